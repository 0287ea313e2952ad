package dev.sparkembed.embed.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchJobH2Test {
  private static SparkSession spark;
  private static String url;
  private static Connection keepAlive;

  @BeforeAll
  static void start() throws SQLException {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("BatchJobH2Test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    url = "jdbc:h2:mem:batchh2;DB_CLOSE_DELAY=-1";
    keepAlive = DriverManager.getConnection(url);
    exec("CREATE TABLE docs (id BIGINT PRIMARY KEY, body VARCHAR(1000))");
    try (PreparedStatement ps = keepAlive.prepareStatement("INSERT INTO docs VALUES (?, ?)")) {
      for (int i = 1; i <= 300; i++) {
        ps.setLong(1, i);
        ps.setString(2, i % 50 == 0 ? null : i % 50 == 1 ? "  " : "text number " + i);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @AfterAll
  static void stop() throws SQLException {
    keepAlive.close();
    spark.stop();
  }

  private static void exec(String sql) throws SQLException {
    try (Statement st = keepAlive.createStatement()) {
      st.execute(sql);
    }
  }

  private static long count(String sql) throws SQLException {
    try (Statement st = keepAlive.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static BatchJobResult run(BatchJobSpec.Builder b) {
    return new BatchJob(spark, b.build(), shortId()).run();
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static BatchJobSpec.Builder docs() {
    return BatchJobSpec.builder().jdbcUrl(url).table("docs").idColumn("id").textColumn("body");
  }

  @Test
  void writesTargetOncePerIdAndRerunsIdempotently() throws SQLException {
    BatchJobResult first = run(docs().targetTable("docs_vec").partitions(3));
    assertThat(first.rowsSelected()).isEqualTo(300);
    assertThat(first.blankSkipped()).isEqualTo(12);
    assertThat(first.rowsEmbedded()).isEqualTo(288);
    assertThat(count("SELECT COUNT(*) FROM docs_vec")).isEqualTo(288);
    try (Statement st = keepAlive.createStatement();
        ResultSet rs = st.executeQuery("SELECT embedding, model FROM docs_vec WHERE id = 7")) {
      assertThat(rs.next()).isTrue();
      float[] v = EngineVectors.floats(rs.getArray(1).getArray());
      float[] expected = EngineVectors.embed(List.of("text number 7"))[0];
      assertThat(v).hasSize(384);
      assertThat(EngineVectors.cosine(v, expected)).isGreaterThan(0.999);
      assertThat(rs.getString(2)).isEqualTo("all-minilm-l6-v2");
    }
    BatchJobResult again = run(docs().targetTable("docs_vec").partitions(2));
    assertThat(again.rowsEmbedded()).isEqualTo(288);
    assertThat(count("SELECT COUNT(*) FROM docs_vec")).isEqualTo(288);
    assertThat(count("SELECT COUNT(DISTINCT id) FROM docs_vec")).isEqualTo(288);
    assertThat(
            count("SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE '%_STG_%'"))
        .isZero();
  }

  @Test
  void updatesInPlace() throws SQLException {
    exec("CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR, vec REAL ARRAY)");
    exec("INSERT INTO notes SELECT x, 'note ' || x, NULL FROM SYSTEM_RANGE(1, 40)");
    BatchJobResult r =
        run(
            BatchJobSpec.builder()
                .jdbcUrl(url)
                .table("notes")
                .idColumn("id")
                .textColumn("body")
                .embeddingColumn("vec"));
    assertThat(r.rowsEmbedded()).isEqualTo(40);
    assertThat(count("SELECT COUNT(*) FROM notes WHERE vec IS NULL")).isZero();
    exec("INSERT INTO notes VALUES (41, 'late note', NULL)");
    BatchJobResult again =
        run(
            BatchJobSpec.builder()
                .jdbcUrl(url)
                .table("notes")
                .idColumn("id")
                .textColumn("body")
                .embeddingColumn("vec"));
    assertThat(again.rowsSelected()).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM notes WHERE vec IS NULL")).isZero();
  }

  @Test
  void listsEveryProblem() throws SQLException {
    exec("CREATE TABLE dup (k INT, body VARCHAR, n DOUBLE)");
    exec("INSERT INTO dup VALUES (1, 'a', 1), (1, 'b', 2), (2, 'c', 3)");
    assertThatThrownBy(
            () ->
                run(
                    BatchJobSpec.builder()
                        .jdbcUrl(url)
                        .table("dup")
                        .idColumn("k")
                        .textColumn("body")
                        .targetTable("dup_vec")))
        .isInstanceOf(JobValidationException.class)
        .hasMessageContaining("is not unique: 3 rows but 2 distinct");
    assertThatThrownBy(
            () ->
                run(
                    BatchJobSpec.builder()
                        .jdbcUrl(url)
                        .table("dup")
                        .idColumn("nope")
                        .textColumn("n")
                        .targetTable("dup_vec")))
        .isInstanceOf(JobValidationException.class)
        .satisfies(e -> assertThat(((JobValidationException) e).problems()).hasSize(2))
        .hasMessageContaining("Invalid option 'id-column': nope")
        .hasMessageContaining("Unsupported type of text column");
  }
}
