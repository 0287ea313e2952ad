package dev.sparkembed.embed.jobs;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;

/**
 * What differs between databases for a batch job: identifier quoting, the natural vector type, the
 * staging table, the one-statement upsert and in-place update, hash partitions for string ids and
 * how a vector is bound to a statement. Built on the driver; the staging writer carries it to the
 * executors, so implementations hold only primitives.
 */
abstract class VectorDialect implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The dialect for a JDBC URL, or null when the database is not supported. */
  static VectorDialect forUrl(String url) {
    String u = url.toLowerCase(Locale.ROOT);
    if (u.startsWith("jdbc:postgresql:")) {
      return new PostgresVectorDialect(false);
    }
    if (u.startsWith("jdbc:h2:")) {
      return new H2VectorDialect();
    }
    if (u.startsWith("jdbc:sqlserver:")) {
      return new SqlServerVectorDialect();
    }
    return null;
  }

  static String supportedDatabases() {
    return "jdbc:postgresql:, jdbc:h2:, jdbc:sqlserver: (with Microsoft's JDBC driver on the"
        + " classpath)";
  }

  abstract String displayName();

  /** Quotes an identifier stored exactly as given. */
  String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** A new identifier as the database would store it unquoted (PostgreSQL lower, H2 upper). */
  abstract String storedCase(String identifier);

  /** Longest identifier the database accepts. */
  int maxIdentifierLength() {
    return 128;
  }

  // ---- reading

  /** A condition true when the quoted text column holds something other than blanks. */
  abstract String nonBlank(String column);

  /** A condition selecting hash partition {@code index} of {@code count} for a string id. */
  abstract String hashPartition(String column, int count, int index);

  // ---- types and DDL

  abstract String idType(IdType id);

  /** The vector type a new target table gets for vectors of {@code dimension} floats. */
  abstract String targetVectorType(int dimension);

  abstract String modelType();

  abstract String timestampType();

  /** Whether a column of this type can hold the job's vectors (target or in-place column). */
  abstract boolean acceptsVectors(ColumnInfo column);

  /** The natural vector types, for messages. */
  abstract String vectorTypes();

  String createTarget(
      String target, String id, IdType idType, String embedding, String model, String at, int dim) {
    return "CREATE TABLE "
        + target
        + " ("
        + id
        + " "
        + idType(idType)
        + " NOT NULL PRIMARY KEY, "
        + embedding
        + " "
        + targetVectorType(dim)
        + " NOT NULL, "
        + model
        + " "
        + modelType()
        + " NOT NULL, "
        + at
        + " "
        + timestampType()
        + " NOT NULL)";
  }

  /** The staging table: the id and the vector as the writer binds it; no keys, fast inserts. */
  abstract String createStaging(String staging, String id, IdType idType);

  String dropTable(String table) {
    return "DROP TABLE IF EXISTS " + table;
  }

  // ---- the single statements that publish a run

  /**
   * Upserts every staging row into the target in one statement; parameter 1 is the model name,
   * parameter 2 the run's timestamp.
   */
  abstract String upsert(
      String target,
      String staging,
      String id,
      String embedding,
      String model,
      String at,
      ColumnInfo embeddingColumn,
      int dim);

  /** Writes every staging row's vector into the source table's column in one statement. */
  abstract String updateInPlace(
      String source, String staging, String id, String embedding, ColumnInfo column, int dim);

  // ---- executor side

  /** Connection properties that make batched inserts fast. */
  void tuneWriter(Properties props) {}

  /** Binds one vector as the staging column expects it. */
  abstract void bindVector(Connection conn, PreparedStatement ps, int index, float[] vector)
      throws SQLException;

  static Float[] boxed(float[] v) {
    Float[] out = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }
}
