package dev.sparkembed.embed.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;

/**
 * SQL Server 2025: vectors are {@code VECTOR(n)}. They travel as JSON array text (the form SQL
 * Server converts to and from {@code VECTOR}) into an {@code NVARCHAR(MAX)} staging column;
 * publishing is one {@code MERGE} that casts them. Untested here (no SQL Server on the build
 * machines); the statements follow SQL Server's documented syntax. Driver and executors.
 */
final class SqlServerVectorDialect extends VectorDialect {
  private static final long serialVersionUID = 1L;

  @Override
  String displayName() {
    return "SQL Server";
  }

  @Override
  String quote(String identifier) {
    return '[' + identifier.replace("]", "]]") + ']';
  }

  @Override
  String storedCase(String identifier) {
    return identifier;
  }

  @Override
  String nonBlank(String column) {
    return "LEN(LTRIM(" + column + ")) > 0";
  }

  @Override
  String hashPartition(String column, int count, int index) {
    return "(CHECKSUM(" + column + ") & 2147483647) % " + count + " = " + index;
  }

  @Override
  String idType(IdType id) {
    return switch (id.kind()) {
      case INTEGER -> "INT";
      case BIGINT -> "BIGINT";
      case DECIMAL -> "DECIMAL(" + id.precision() + ",0)";
        // 450 characters is the longest NVARCHAR a primary key index takes (900 bytes).
      case STRING -> "NVARCHAR(" + (id.precision() > 0 ? Math.min(id.precision(), 450) : 450) + ")";
    };
  }

  @Override
  String targetVectorType(int dimension) {
    return "VECTOR(" + dimension + ")";
  }

  @Override
  String modelType() {
    return "NVARCHAR(200)";
  }

  @Override
  String timestampType() {
    return "DATETIMEOFFSET";
  }

  @Override
  boolean acceptsVectors(ColumnInfo c) {
    String t = c.typeName().toLowerCase(Locale.ROOT);
    boolean maxText = (t.equals("nvarchar") || t.equals("varchar")) && c.size() >= 1_000_000;
    return t.equals("vector") || maxText;
  }

  @Override
  String vectorTypes() {
    return "VECTOR(n) or NVARCHAR(MAX) holding JSON arrays";
  }

  @Override
  String createStaging(String staging, String id, IdType idType) {
    return "CREATE TABLE " + staging + " (" + id + " " + idType(idType) + ", v NVARCHAR(MAX))";
  }

  private static String cast(String expr, ColumnInfo column, int dim) {
    boolean vector = column == null || column.typeName().equalsIgnoreCase("vector");
    return vector ? "CAST(" + expr + " AS VECTOR(" + dim + "))" : expr;
  }

  /** Staging rows, one per id even if a retried task wrote one twice. */
  private static String dedupedStaging(String staging, String id) {
    return "(SELECT * FROM (SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s."
        + id
        + " ORDER BY s."
        + id
        + ") AS rn FROM "
        + staging
        + " s) d WHERE d.rn = 1)";
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
    String v = cast("s.v", embeddingColumn, dim);
    // MERGE names the two parameters twice: bind them once into variables declared in front.
    return "DECLARE @p_model NVARCHAR(200) = ?; DECLARE @p_at DATETIMEOFFSET = ?; MERGE INTO "
        + target
        + " WITH (HOLDLOCK) AS t USING "
        + dedupedStaging(staging, id)
        + " AS s ON t."
        + id
        + " = s."
        + id
        + " WHEN MATCHED THEN UPDATE SET t."
        + embedding
        + " = "
        + v
        + ", t."
        + model
        + " = @p_model, t."
        + at
        + " = @p_at WHEN NOT MATCHED THEN INSERT ("
        + id
        + ", "
        + embedding
        + ", "
        + model
        + ", "
        + at
        + ") VALUES (s."
        + id
        + ", "
        + v
        + ", @p_model, @p_at);";
  }

  @Override
  String updateInPlace(
      String source, String staging, String id, String embedding, ColumnInfo column, int dim) {
    return "MERGE INTO "
        + source
        + " AS t USING "
        + dedupedStaging(staging, id)
        + " AS s ON t."
        + id
        + " = s."
        + id
        + " WHEN MATCHED THEN UPDATE SET t."
        + embedding
        + " = "
        + cast("s.v", column, dim)
        + ";";
  }

  @Override
  void bindVector(Connection conn, PreparedStatement ps, int index, float[] vector)
      throws SQLException {
    StringBuilder sb = new StringBuilder(vector.length * 12).append('[');
    for (int i = 0; i < vector.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(vector[i]);
    }
    ps.setString(index, sb.append(']').toString());
  }
}
