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
}
