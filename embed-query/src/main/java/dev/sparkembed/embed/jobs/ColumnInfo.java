package dev.sparkembed.embed.jobs;

/**
 * One column of a table as JDBC metadata describes it. Driver only.
 *
 * @param name the name as stored
 * @param jdbcType a {@link java.sql.Types} constant
 * @param typeName the database's own type name ({@code _float4}, {@code vector}, {@code ARRAY})
 * @param size column size (length, precision) from metadata
 * @param scale decimal digits from metadata
 */
record ColumnInfo(String name, int jdbcType, String typeName, int size, int scale) {

  /** The type as a user would write it, for messages. */
  String describeType() {
    return typeName;
  }

  /** Whether the column holds text (CHAR, VARCHAR, CLOB and their national forms). */
  boolean isText() {
    return switch (jdbcType) {
      case java.sql.Types.CHAR,
              java.sql.Types.VARCHAR,
              java.sql.Types.LONGVARCHAR,
              java.sql.Types.NCHAR,
              java.sql.Types.NVARCHAR,
              java.sql.Types.LONGNVARCHAR,
              java.sql.Types.CLOB,
              java.sql.Types.NCLOB ->
          true;
      default -> false;
    };
  }
}
