package dev.sparkembed.embed.jobs;

import static dev.sparkembed.embed.jobs.TestDatabases.count;
import static dev.sparkembed.embed.jobs.TestDatabases.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input is refused before anything is written, with all problems listed: options,
 * unreachable database, wrong credentials, missing tables and columns, duplicate or null ids,
 * unsupported types, unusable targets, missing files.
 */
class BatchJobValidationTest {
  private static EmbeddedPostgres pg;
  private static SparkSession spark;
  private static String url;
  private static Connection db;

  @BeforeAll
  static void start() throws SQLException {
    pg = TestDatabases.startPostgres();
    url = TestDatabases.url(pg);
    db = TestDatabases.connect(url);
    spark = TestDatabases.spark("BatchJobValidationTest");
    exec(db, "CREATE TABLE docs (id bigint PRIMARY KEY, body text, n integer, vec real[])");
    exec(db, "INSERT INTO docs SELECT g, 'text ' || g, g, NULL FROM generate_series(1, 20) g");
    exec(db, "CREATE TABLE dup (id integer, body text)");
    exec(db, "INSERT INTO dup VALUES (1, 'a'), (1, 'b'), (2, 'c'), (NULL, 'd')");
    exec(db, "CREATE TABLE floaty (id double precision, body text)");
    exec(
        db,
        "CREATE TABLE nokey (id bigint, embedding real[], model text, embedded_at timestamptz)");
    exec(db, "CREATE TABLE partial (id bigint PRIMARY KEY, vector real[])");
    exec(db, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO app");
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

  private static List<String> problems(BatchJobSpec.Builder spec) {
    try {
      new BatchJob(spark, spec.build(), "v").run();
    } catch (JobValidationException e) {
      return e.problems();
    }
    throw new AssertionError("The job was accepted");
  }

  private static BatchJobSpec.Builder docs() {
    return BatchJobSpec.builder()
        .jdbcUrl(url)
        .user("postgres")
        .table("docs")
        .idColumn("id")
        .textColumn("body")
        .targetTable("docs_vec");
  }

  @Test
  void listsEveryOptionProblemAtOnce() {
    assertThatThrownBy(
            () ->
                BatchJobSpec.builder()
                    .idColumn("id")
                    .partitions(0)
                    .passwordEnv("SPARK_EMBED_TEST_UNSET")
                    .output("out.txt")
                    .device("tpu")
                    .environment(k -> null)
                    .build())
        .isInstanceOf(JobValidationException.class)
        .satisfies(
            e ->
                assertThat(((JobValidationException) e).problems())
                    .containsExactlyInAnyOrder(
                        "Missing the rows to embed: give --jdbc-url with --table, or --input PATH",
                        "Missing option '--text-column' (it holds the texts to embed)",
                        "Invalid option 'partitions': 0 (expected an integer >= 1)",
                        "Invalid option 'device': 'tpu' (expected one of auto, cpu, cuda)",
                        "Invalid option 'password-env': SPARK_EMBED_TEST_UNSET (expected the name"
                            + " of a set environment variable holding the password)",
                        "Option '--user/password' does not apply: there is no --jdbc-url",
                        "Invalid option 'output': out.txt (expected a path ending in .parquet,"
                            + " .csv, .json, .jsonl or .ndjson, or give --format parquet, csv,"
                            + " json (JSON lines; also jsonl, ndjson))"))
        .hasMessageStartingWith("Invalid batch job (7 problems):");
  }

  @Test
  void databaseDown() {
    String down = "jdbc:postgresql://127.0.0.1:" + TestDatabases.closedPort() + "/postgres";
    assertThat(problems(docs().jdbcUrl(down)))
        .singleElement()
        .asString()
        .startsWith("Cannot reach the database at " + down + ": ")
        .contains("refused");
  }

  @Test
  void wrongPassword() {
    List<String> problems =
        problems(
            docs()
                .user("app")
                .passwordEnv("DB_PASSWORD")
                .environment(Map.of("DB_PASSWORD", "wrong")::get));
    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith("The database at " + url + " refused the credentials of user 'app'")
        .contains("28P01");
  }

  @Test
  void rightPasswordFromTheEnvironmentIsAccepted() {
    BatchJobResult r =
        new BatchJob(
                spark,
                docs()
                    .user("app")
                    .passwordEnv("DB_PASSWORD")
                    .environment(Map.of("DB_PASSWORD", TestDatabases.APP_PASSWORD)::get)
                    .targetTable(null)
                    .output(
                        spark.conf().get("spark.local.dir", System.getProperty("java.io.tmpdir"))
                            + "/pw-check-"
                            + System.nanoTime()
                            + ".parquet")
                    .build(),
                "pw")
            .run();
    assertThat(r.rowsEmbedded()).isEqualTo(20);
  }

  @Test
  void missingTableAndColumns() {
    assertThat(problems(docs().table("nope")))
        .containsExactly(
            "Invalid option 'table': nope (expected an existing table or view in " + url + ")");
    assertThat(problems(docs().idColumn("key").textColumn("content")))
        .containsExactly(
            "Invalid option 'id-column': key (expected a column of public.docs, which has [id,"
                + " body, n, vec])",
            "Invalid option 'text-column': content (expected a column of public.docs, which has"
                + " [id, body, n, vec])");
  }

  @Test
  void duplicateAndNullIdsAreDetected() throws SQLException {
    assertThat(problems(docs().table("dup")))
        .containsExactly(
            "Id column public.dup.id has 1 NULL values (every row needs an id)",
            "Id column public.dup.id is not unique: 3 rows but 2 distinct values (--id-column"
                + " must name one row each)");
    assertThat(count(db, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'docs_vec'")).isZero();
  }

  @Test
  void unsupportedTypes() {
    assertThat(problems(docs().table("floaty")))
        .singleElement()
        .asString()
        .startsWith(
            "Unsupported type of id column public.floaty.id: float8 (expected whole numbers");
    assertThat(problems(docs().textColumn("n")))
        .containsExactly(
            "Unsupported type of text column public.docs.n: int4 (expected a string type: char,"
                + " varchar, text, clob)");
    assertThat(problems(docs().targetTable(null).embeddingColumn("body")))
        .containsExactly(
            "Column public.docs.body cannot hold vectors: text (expected real[], double"
                + " precision[] or pgvector's vector(n))");
  }

  @Test
  void unusableTargets() {
    assertThat(problems(docs().targetTable("nokey")))
        .containsExactly(
            "Existing target table public.nokey has no primary key or unique index on id (the"
                + " upsert needs one: ALTER TABLE public.nokey ADD PRIMARY KEY (id))");
    assertThat(problems(docs().targetTable("partial")))
        .containsExactly(
            "Existing target table public.partial lacks columns [embedding, model, embedded_at]"
                + " (it has [id, vector]; the job writes id, embedding, model, embedded_at)");
    assertThat(problems(docs().targetTable("DOCS")))
        .containsExactly(
            "Invalid option 'target-table': DOCS (expected a table other than --table (use"
                + " --embedding-column to write in place))");
  }

  @Test
  void missingInputFileAndColumns(@TempDir Path dir) {
    assertThat(
            problems(
                BatchJobSpec.builder()
                    .input(dir.resolve("none.parquet").toString())
                    .idColumn("id")
                    .textColumn("body")
                    .output(dir.resolve("out.json").toString())))
        .containsExactly(
            "Invalid option 'input': "
                + dir.resolve("none.parquet")
                + " (expected an existing file or folder)");
  }
}
