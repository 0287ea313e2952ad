package dev.sparkembed.embed.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Locale;

/**
 * H2: vectors are {@code REAL ARRAY[n]}; publishing is {@code MERGE INTO ... KEY} or {@code MERGE
 * INTO ... USING}. Driver and executors.
 */
final class H2VectorDialect extends VectorDialect {
  private static final long serialVersionUID = 1L;

  @Override
  String displayName() {
    return "H2";
  }

  @Override
  String storedCase(String identifier) {
    return identifier.toUpperCase(Locale.ROOT);
  }

  @Override
  String nonBlank(String column) {
    return "LENGTH(TRIM(" + column + ")) > 0";
  }

  @Override
  String hashPartition(String column, int count, int index) {
    return "MOD(ORA_HASH(" + column + "), " + count + ") = " + index;
  }

  @Override
  String idType(IdType id) {
    return switch (id.kind()) {
      case INTEGER -> "INTEGER";
      case BIGINT -> "BIGINT";
      case DECIMAL -> "NUMERIC(" + id.precision() + ",0)";
      case STRING -> id.precision() > 0 ? "VARCHAR(" + id.precision() + ")" : "VARCHAR";
    };
  }

  @Override
  String targetVectorType(int dimension) {
    return "REAL ARRAY[" + dimension + "]";
  }

  @Override
  String modelType() {
    return "VARCHAR";
  }

  @Override
  String timestampType() {
    return "TIMESTAMP WITH TIME ZONE";
  }

  @Override
  boolean acceptsVectors(ColumnInfo c) {
    return c.jdbcType() == Types.ARRAY;
  }

  @Override
  String vectorTypes() {
    return "REAL ARRAY or DOUBLE PRECISION ARRAY";
  }

  @Override
  String createStaging(String staging, String id, IdType idType) {
    return "CREATE TABLE " + staging + " (" + id + " " + idType(idType) + ", V REAL ARRAY)";
  }

  @Override
  String upsert(
      String target,
      String staging,
      String id,
      String embedding,
      String model,
      String at,
      ColumnInfo embeddingColumn,
      int dim) {
    return "MERGE INTO "
        + target
        + " ("
        + id
        + ", "
        + embedding
        + ", "
        + model
        + ", "
        + at
        + ") KEY ("
        + id
        + ") SELECT s."
        + id
        + ", s.V, CAST(? AS VARCHAR), CAST(? AS TIMESTAMP WITH TIME ZONE) FROM "
        + staging
        + " s";
  }

  @Override
  String updateInPlace(
      String source, String staging, String id, String embedding, ColumnInfo column, int dim) {
    // H2 has no UPDATE ... FROM; its standard MERGE ... USING is the one-statement equivalent.
    return "MERGE INTO "
        + source
        + " t USING "
        + staging
        + " s ON t."
        + id
        + " = s."
        + id
        + " WHEN MATCHED THEN UPDATE SET "
        + embedding
        + " = s.V";
  }

  @Override
  void bindVector(Connection conn, PreparedStatement ps, int index, float[] vector)
      throws SQLException {
    ps.setArray(index, conn.createArrayOf("REAL", boxed(vector)));
  }
}
