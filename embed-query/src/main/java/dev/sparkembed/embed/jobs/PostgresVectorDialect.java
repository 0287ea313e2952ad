package dev.sparkembed.embed.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;

/**
 * PostgreSQL: vectors are {@code real[]}, or pgvector's {@code vector(n)} for new target tables
 * when the {@code vector} extension is installed. Staging is an UNLOGGED {@code real[]} table;
 * publishing is {@code INSERT ... ON CONFLICT DO UPDATE} or {@code UPDATE ... FROM}. Driver and
 * executors.
 */
final class PostgresVectorDialect extends VectorDialect {
  private static final long serialVersionUID = 1L;

  private final boolean pgvector;

  PostgresVectorDialect(boolean pgvector) {
    this.pgvector = pgvector;
  }

  PostgresVectorDialect withPgvector(boolean installed) {
    return new PostgresVectorDialect(installed);
  }

  boolean pgvector() {
    return pgvector;
  }

  @Override
  String displayName() {
    return pgvector ? "PostgreSQL (pgvector)" : "PostgreSQL";
  }

  @Override
  String storedCase(String identifier) {
    return identifier.toLowerCase(Locale.ROOT);
  }

  @Override
  int maxIdentifierLength() {
    return 63;
  }

  @Override
  String nonBlank(String column) {
    return "btrim(" + column + ") <> ''";
  }

  @Override
  String hashPartition(String column, int count, int index) {
    // hashtext is int4; masking the sign bit keeps the modulus non-negative.
    return "(hashtext(" + column + "::text) & 2147483647) % " + count + " = " + index;
  }

  @Override
  String idType(IdType id) {
    return switch (id.kind()) {
      case INTEGER -> "integer";
      case BIGINT -> "bigint";
      case DECIMAL -> "numeric(" + id.precision() + ",0)";
      case STRING -> id.precision() > 0 ? "varchar(" + id.precision() + ")" : "text";
    };
  }

  @Override
  String targetVectorType(int dimension) {
    return pgvector ? "vector(" + dimension + ")" : "real[]";
  }

  @Override
  String modelType() {
    return "text";
  }

  @Override
  String timestampType() {
    return "timestamptz";
  }

  @Override
  boolean acceptsVectors(ColumnInfo c) {
    String t = c.typeName().toLowerCase(Locale.ROOT);
    return t.equals("_float4") || t.equals("_float8") || t.equals("vector");
  }

  @Override
  String vectorTypes() {
    return "real[], double precision[] or pgvector's vector(n)";
  }

  @Override
  String createStaging(String staging, String id, IdType idType) {
    return "CREATE UNLOGGED TABLE " + staging + " (" + id + " " + idType(idType) + ", v real[])";
  }

  private static String cast(String expr, ColumnInfo column) {
    String t = column == null ? "_float4" : column.typeName().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "vector" -> expr + "::vector";
      case "_float8" -> expr + "::float8[]";
      default -> expr;
    };
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
    // DISTINCT ON guards against a staging row written twice (ON CONFLICT refuses to touch a
    // row twice in one statement).
    return "INSERT INTO "
        + target
        + " ("
        + id
        + ", "
        + embedding
        + ", "
        + model
        + ", "
        + at
        + ") SELECT DISTINCT ON (s."
        + id
        + ") s."
        + id
        + ", "
        + cast("s.v", embeddingColumn)
        + ", ?, ? FROM "
        + staging
        + " s ORDER BY s."
        + id
        + " ON CONFLICT ("
        + id
        + ") DO UPDATE SET "
        + embedding
        + " = EXCLUDED."
        + embedding
        + ", "
        + model
        + " = EXCLUDED."
        + model
        + ", "
        + at
        + " = EXCLUDED."
        + at;
  }

  @Override
  String updateInPlace(
      String source, String staging, String id, String embedding, ColumnInfo column, int dim) {
    return "UPDATE "
        + source
        + " AS t SET "
        + embedding
        + " = "
        + cast("s.v", column)
        + " FROM "
        + staging
        + " AS s WHERE t."
        + id
        + " = s."
        + id;
  }

  @Override
  void tuneWriter(Properties props) {
    props.setProperty("reWriteBatchedInserts", "true");
  }

  @Override
  void bindVector(Connection conn, PreparedStatement ps, int index, float[] vector)
      throws SQLException {
    ps.setArray(index, conn.createArrayOf("float4", boxed(vector)));
  }

  /** Whether the pgvector extension is installed in the connection's database. */
  static boolean pgvectorInstalled(java.sql.Connection conn) {
    try (java.sql.Statement st = conn.createStatement();
        java.sql.ResultSet rs =
            st.executeQuery("SELECT 1 FROM pg_extension WHERE extname = 'vector'")) {
      return rs.next();
    } catch (java.sql.SQLException e) {
      return false;
    }
  }
}
