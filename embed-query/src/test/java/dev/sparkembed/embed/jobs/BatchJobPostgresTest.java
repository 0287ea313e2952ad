package dev.sparkembed.embed.jobs;

import static dev.sparkembed.embed.jobs.TestDatabases.count;
import static dev.sparkembed.embed.jobs.TestDatabases.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The batch job against a real PostgreSQL: target tables, reruns, incremental, in place. */
class BatchJobPostgresTest {
  private static EmbeddedPostgres pg;
  private static SparkSession spark;
  private static String url;
  private static Connection db;

  @BeforeAll
  static void start() throws SQLException {
    pg = TestDatabases.startPostgres();
    url = TestDatabases.url(pg);
    db = TestDatabases.connect(url);
    spark = TestDatabases.spark("BatchJobPostgresTest");
  }

  @AfterAll
  static void stop() throws SQLException, IOException {
    if (spark != null) {
      spark.stop();
    }
    if (db != null) {
      db.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private static BatchJobResult run(BatchJobSpec.Builder b) {
    return new BatchJob(spark, b.build(), shortId()).run();
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static BatchJobSpec.Builder from(String table) {
    return BatchJobSpec.builder()
        .jdbcUrl(url)
        .user("postgres")
        .table(table)
        .idColumn("id")
        .textColumn("body");
  }

  @Test
  void embedsTenThousandRowsEndToEnd() throws SQLException {
    exec(db, "CREATE TABLE big (id bigint PRIMARY KEY, body text)");
    TestDatabases.insertTexts(db, "big", 1, 10_000, i -> EngineVectors.sentence(i));
    long t0 = System.nanoTime();
    BatchJobResult r = run(from("big").targetTable("big_vec").partitions(4));
    System.out.printf("10k rows in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertThat(r.rowsEmbedded()).isEqualTo(10_000);
    assertThat(count(db, "SELECT COUNT(DISTINCT id) FROM big_vec")).isEqualTo(10_000);
    List<Long> ids = List.of(1L, 2L, 777L, 5_000L, 9_999L, 10_000L);
    float[][] expected = EngineVectors.embed(ids.stream().map(EngineVectors::sentence).toList());
    for (int i = 0; i < ids.size(); i++) {
      try (Statement st = db.createStatement();
          ResultSet rs =
              st.executeQuery("SELECT embedding, model FROM big_vec WHERE id = " + ids.get(i))) {
        assertThat(rs.next()).isTrue();
        float[] v = EngineVectors.floats(rs.getArray(1).getArray());
        assertThat(v).hasSize(384);
        assertThat(EngineVectors.cosine(v, expected[i])).isGreaterThan(0.999);
        assertThat(rs.getString(2)).isEqualTo("all-minilm-l6-v2");
      }
    }
  }

  @Test
  void incrementalEmbedsOnlyMissingIds() throws SQLException {
    exec(db, "CREATE TABLE inc (id integer PRIMARY KEY, body text)");
    TestDatabases.insertTexts(db, "inc", 1, 100, i -> "first " + i);
    assertThat(run(from("inc").targetTable("inc_vec").incremental(true)).rowsEmbedded())
        .isEqualTo(100);
    TestDatabases.insertTexts(db, "inc", 101, 130, i -> "second " + i);
    BatchJobResult second = run(from("inc").targetTable("inc_vec").incremental(true));
    assertThat(second.rowsSelected()).isEqualTo(30);
    assertThat(second.rowsEmbedded()).isEqualTo(30);
    assertThat(count(db, "SELECT COUNT(*) FROM inc_vec")).isEqualTo(130);
    assertThat(count(db, "SELECT COUNT(DISTINCT id) FROM inc_vec")).isEqualTo(130);
  }

  @Test
  void updatesInPlaceOnlyNullColumns() throws SQLException {
    exec(db, "CREATE TABLE notes (id bigint PRIMARY KEY, body text, vec real[])");
    TestDatabases.insertTexts(
        db, "notes (id, body)", 1, 50, i -> i == 7 ? null : "note number " + i);
    BatchJobResult r = run(from("notes").embeddingColumn("vec"));
    assertThat(r.rowsEmbedded()).isEqualTo(49);
    assertThat(r.blankSkipped()).isEqualTo(1);
    assertThat(count(db, "SELECT COUNT(*) FROM notes WHERE vec IS NULL")).isEqualTo(1);
    assertThat(count(db, "SELECT array_length(vec, 1) FROM notes WHERE id = 3")).isEqualTo(384);
    BatchJobResult again = run(from("notes").embeddingColumn("vec"));
    assertThat(again.rowsSelected()).isEqualTo(1);
    assertThat(again.rowsEmbedded()).isZero();
  }

  @Test
  void stringIdsAreReadInHashPartitions() throws SQLException {
    exec(db, "CREATE TABLE keyed (id varchar(40) PRIMARY KEY, body text)");
    exec(db, "INSERT INTO keyed SELECT 'doc-' || g, 'text ' || g FROM generate_series(1, 200) g");
    BatchJobResult r = run(from("keyed").targetTable("keyed_vec").partitions(4));
    assertThat(r.rowsEmbedded()).isEqualTo(200);
    assertThat(count(db, "SELECT COUNT(*) FROM keyed_vec WHERE id LIKE 'doc-%'")).isEqualTo(200);
    try (Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT data_type FROM information_schema.columns WHERE table_name = 'keyed_vec'"
                    + " AND column_name = 'embedding'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("ARRAY");
    }
  }
}
