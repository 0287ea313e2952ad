package dev.sparkembed.embed.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;

/**
 * Writes one partition of {@code (id, vector)} rows into the run's staging table, in JDBC batches
 * and one transaction per partition: a failed task leaves nothing behind, so its retry starts
 * clean. Runs on executors; holds only the connector, the dialect and the SQL.
 */
final class StagingWriter implements ForeachPartitionFunction<Row> {
  private static final long serialVersionUID = 1L;

  private final JdbcConnector connector;
  private final VectorDialect dialect;
  private final String insertSql;
  private final int batchSize;

  StagingWriter(JdbcConnector connector, VectorDialect dialect, String insertSql, int batchSize) {
    this.connector = connector;
    this.dialect = dialect;
    this.insertSql = insertSql;
    this.batchSize = batchSize;
  }

  /** {@code INSERT INTO staging (id, v) VALUES (?, ?)}. */
  static String insertSql(String staging, String id) {
    return "INSERT INTO " + staging + " (" + id + ", v) VALUES (?, ?)";
  }

  @Override
  public void call(Iterator<Row> rows) throws SQLException {
    if (!rows.hasNext()) {
      return;
    }
    Properties props = connector.properties();
    dialect.tuneWriter(props);
    try (Connection conn = connector.open(props)) {
      conn.setAutoCommit(false);
      try (PreparedStatement ps = conn.prepareStatement(insertSql)) {
        int pending = 0;
        while (rows.hasNext()) {
          Row row = rows.next();
          ps.setObject(1, row.get(0));
          dialect.bindVector(conn, ps, 2, toFloats(row.getList(1)));
          ps.addBatch();
          if (++pending == batchSize) {
            ps.executeBatch();
            pending = 0;
          }
        }
        if (pending > 0) {
          ps.executeBatch();
        }
        conn.commit();
      } catch (SQLException | RuntimeException e) {
        conn.rollback();
        throw e;
      }
    }
  }

  static float[] toFloats(List<Object> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values.get(i)).floatValue();
    }
    return out;
  }
}
