package dev.sparkembed.embed.jobs;

import java.sql.Types;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * The kinds of id column a batch job accepts, found from JDBC metadata or a file's Spark schema.
 * Whole numbers are read with range partitions on their bounds; strings with hash partitions.
 * Driver only.
 *
 * @param kind which kind
 * @param precision digits of a decimal, or the maximum length of a string (0 when unbounded)
 */
record IdType(Kind kind, int precision) {
  /** Decimals up to this many digits fit Spark's long partition bounds. */
  static final int MAX_DECIMAL_DIGITS = 18;

  enum Kind {
    INTEGER,
    BIGINT,
    DECIMAL,
    STRING
  }

  /** Whether the id is read with range partitions (numbers) rather than hash partitions. */
  boolean ranged() {
    return kind != Kind.STRING;
  }

  /** The id type of a JDBC column, or null when it is not a supported id type. */
  static IdType fromJdbc(int jdbcType, int size, int scale) {
    return switch (jdbcType) {
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> new IdType(Kind.INTEGER, 0);
      case Types.BIGINT -> new IdType(Kind.BIGINT, 0);
      case Types.NUMERIC, Types.DECIMAL ->
          scale == 0 && size > 0 && size <= MAX_DECIMAL_DIGITS
              ? new IdType(Kind.DECIMAL, size)
              : null;
      case Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR ->
          new IdType(Kind.STRING, size > 0 && size < 1_000_000 ? size : 0);
      default -> null;
    };
  }

  /** The id type of a file column, or null when it is not a supported id type. */
  static IdType fromSpark(DataType t) {
    if (t.equals(DataTypes.IntegerType)
        || t.equals(DataTypes.ShortType)
        || t.equals(DataTypes.ByteType)) {
      return new IdType(Kind.INTEGER, 0);
    }
    if (t.equals(DataTypes.LongType)) {
      return new IdType(Kind.BIGINT, 0);
    }
    if (t instanceof DecimalType d && d.scale() == 0 && d.precision() <= MAX_DECIMAL_DIGITS) {
      return new IdType(Kind.DECIMAL, d.precision());
    }
    if (t.equals(DataTypes.StringType)) {
      return new IdType(Kind.STRING, 0);
    }
    return null;
  }

  static String supported() {
    return "whole numbers (smallint, integer, bigint, numeric/decimal up to "
        + MAX_DECIMAL_DIGITS
        + " digits with scale 0) or strings (char, varchar)";
  }
}
