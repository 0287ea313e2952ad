package dev.sparkembed.embed.jobs;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.IntFunction;
import org.apache.spark.sql.SparkSession;

/** Test fixtures: a real PostgreSQL per test class, SQL helpers, one local Spark session. */
final class TestDatabases {
  private TestDatabases() {}

  /** Role {@code app} logs in with password {@link #APP_PASSWORD}; {@code postgres} is trusted. */
  static final String APP_PASSWORD = "app-secret";

  /**
   * Starts PostgreSQL on a free port with password checks for every role but {@code postgres}, and
   * creates role {@code app}.
   */
  static EmbeddedPostgres startPostgres() {
    try {
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setDataDirectoryCustomizer(
                  dir -> {
                    try {
                      Files.writeString(
                          dir.toPath().resolve("pg_hba.conf"),
                          String.join(
                              "\n",
                              "local all all trust",
                              "host all postgres 127.0.0.1/32 trust",
                              "host all postgres ::1/128 trust",
                              "host all all 127.0.0.1/32 md5",
                              "host all all ::1/128 md5",
                              ""));
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  })
              .start();
      try (Connection c = connect(url(pg))) {
        exec(c, "CREATE ROLE app LOGIN PASSWORD '" + APP_PASSWORD + "'");
        exec(c, "GRANT ALL ON SCHEMA public TO app");
      }
      return pg;
    } catch (IOException | SQLException e) {
      throw new IllegalStateException("Cannot start embedded PostgreSQL", e);
    }
  }

  static String url(EmbeddedPostgres pg) {
    return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
  }

  static SparkSession spark(String name) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.executor.heartbeatInterval", "1s")
        .getOrCreate();
  }

  /** A port nothing listens on: bound, then closed. */
  static int closedPort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Inserts rows {@code (id, text)} for ids {@code from..to}; the text may be null. */
  static void insertTexts(Connection c, String table, long from, long to, IntFunction<String> text)
      throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
      for (long i = from; i <= to; i++) {
        ps.setLong(1, i);
        ps.setString(2, text.apply((int) i));
        ps.addBatch();
        if (i % 1000 == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
      c.commit();
    } finally {
      c.setAutoCommit(auto);
    }
  }

  static Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, "postgres", "postgres");
  }
}
