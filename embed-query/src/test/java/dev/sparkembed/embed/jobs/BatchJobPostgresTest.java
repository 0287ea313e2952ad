package dev.sparkembed.embed.jobs;

import static dev.sparkembed.embed.jobs.TestDatabases.count;
import static dev.sparkembed.embed.jobs.TestDatabases.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sparkembed.embed.engine.ModelSpec;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
  void cancelledMidwayThenRerunLeavesOneRowPerId() throws Exception {
    exec(db, "CREATE TABLE cancel_me (id bigint PRIMARY KEY, body text)");
    TestDatabases.insertTexts(db, "cancel_me", 1, 3_000, i -> EngineVectors.sentence(i));
    // A target that an earlier run filled in part (created by hand: the job adopts it).
    exec(
        db,
        "CREATE TABLE cancel_vec (id bigint PRIMARY KEY, embedding real[] NOT NULL,"
            + " model text NOT NULL, embedded_at timestamptz NOT NULL)");
    exec(
        db,
        "INSERT INTO cancel_vec SELECT g, '{0.5,0.5}', 'stale', now()"
            + " FROM generate_series(1, 1000) g");

    BatchJob job =
        new BatchJob(
            spark, from("cancel_me").targetTable("cancel_vec").partitions(4).build(), "c1");
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<BatchJobResult> running = thread.submit(job::run);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> job.progress().rowsDone() > 0 || running.isDone());
      assertThat(running.isDone()).as("job still running when cancelled").isFalse();
      job.cancel();
      assertThatThrownBy(() -> running.get(60, TimeUnit.SECONDS))
          .hasCauseInstanceOf(JobCancelledException.class);
    } finally {
      thread.shutdownNow();
    }
    // Nothing of the cancelled run was published, and its staging table is gone.
    assertThat(count(db, "SELECT COUNT(*) FROM cancel_vec")).isEqualTo(1000);
    assertThat(count(db, "SELECT COUNT(*) FROM cancel_vec WHERE model = 'stale'")).isEqualTo(1000);
    assertThat(count(db, "SELECT COUNT(*) FROM pg_tables WHERE tablename LIKE 'cancel_vec_stg_%'"))
        .isZero();

    BatchJobResult rerun = run(from("cancel_me").targetTable("cancel_vec").partitions(4));
    assertThat(rerun.rowsEmbedded()).isEqualTo(3_000);
    assertThat(count(db, "SELECT COUNT(*) FROM cancel_vec")).isEqualTo(3_000);
    assertThat(count(db, "SELECT COUNT(DISTINCT id) FROM cancel_vec")).isEqualTo(3_000);
    assertThat(count(db, "SELECT MIN(array_length(embedding, 1)) FROM cancel_vec")).isEqualTo(384);
    assertThat(count(db, "SELECT COUNT(*) FROM cancel_vec WHERE model = 'stale'")).isZero();
  }

  @Test
  void aKilledRunsLeftoverStagingDoesNotDisturbTheRerun() throws SQLException {
    exec(db, "CREATE TABLE killed (id bigint PRIMARY KEY, body text)");
    TestDatabases.insertTexts(db, "killed", 1, 300, i -> EngineVectors.sentence(i));
    // What a run killed after writing part of its staging table leaves behind.
    exec(db, "CREATE UNLOGGED TABLE killed_vec_stg_dead (id bigint, v real[])");
    exec(db, "INSERT INTO killed_vec_stg_dead VALUES (1, '{1,2,3}'), (1, '{1,2,3}')");
    run(from("killed").targetTable("killed_vec"));
    run(from("killed").targetTable("killed_vec"));
    assertThat(count(db, "SELECT COUNT(*) FROM killed_vec")).isEqualTo(300);
    assertThat(count(db, "SELECT MIN(array_length(embedding, 1)) FROM killed_vec")).isEqualTo(384);
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

  @Test
  void theJobsModelRunsWithOneTasksCores() {
    // local[2], spark.task.cpus = 1: the driver must load the model the tasks share with one
    // thread (not every core), unless the model spec fixes the threads.
    assertThat(EngineEmbeddingStep.forTasks(spark, ModelSpec.defaults()).spec().threads())
        .isEqualTo(1);
    assertThat(
            EngineEmbeddingStep.forTasks(spark, ModelSpec.defaults().withThreads(3))
                .spec()
                .threads())
        .isEqualTo(3);
  }
}
