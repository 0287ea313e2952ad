package dev.sparkembed.embed.jobs;

import static dev.sparkembed.embed.jobs.TestDatabases.count;
import static dev.sparkembed.embed.jobs.TestDatabases.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.embed.service.ServiceConf;
import dev.sparkembed.embed.service.ServiceLimits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller over real HTTP: embedding endpoints, the job life cycle, and what a caller must
 * not be able to do through the jobs API (each attack of issue 11 replayed).
 */
class ControllerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "controller-test-key";
  private static final String ADMIN = "controller-test-admin-key";
  private static final String DB = "jdbc:h2:mem:controller;DB_CLOSE_DELAY=-1";

  @TempDir static Path results;
  @TempDir static Path data;
  private static SparkSession spark;
  private static Controller controller;
  private static Connection db;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    spark = TestDatabases.spark("ControllerTest");
    db = DriverManager.getConnection(DB);
    exec(db, "CREATE TABLE docs (id BIGINT PRIMARY KEY, body VARCHAR)");
    exec(db, "INSERT INTO docs SELECT x, 'controller text ' || x FROM SYSTEM_RANGE(1, 200)");
    exec(db, "CREATE TABLE big (id BIGINT PRIMARY KEY, body VARCHAR)");
    exec(
        db,
        "INSERT INTO big SELECT x, 'a longer controller text number ' || x FROM SYSTEM_RANGE(1, 3000)");
    ServiceConf service =
        new ServiceConf(
            "127.0.0.1",
            TestDatabases.closedPort(),
            "head",
            false,
            "local[2]",
            ModelSpec.defaults(),
            KEY,
            null,
            null,
            ServiceLimits.defaults(),
            1000,
            Duration.ofSeconds(30),
            1000,
            0,
            Map.of());
    controller =
        Controller.start(
            spark,
            new ControllerConf(
                service,
                ADMIN,
                JobConnections.configure(
                    java.util.List.of("docs=" + DB), java.util.List.of(), null, name -> null),
                data,
                results,
                null,
                Map.of()));
  }

  @AfterAll
  static void stop() throws SQLException {
    if (controller != null) {
      controller.close();
    }
    if (spark != null) {
      spark.stop();
    }
    if (db != null) {
      db.close();
    }
  }

  /** A call with the key its path needs: the admin key for /jobs, the API key for the rest. */
  private static HttpResponse<String> call(String method, String path, String body, boolean key)
      throws IOException, InterruptedException {
    return call(method, path, body, key ? (path.startsWith("/jobs") ? ADMIN : KEY) : null);
  }

  private static HttpResponse<String> call(String method, String path, String body, String key)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.port() + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body());
  }

  private static JsonNode job(String id) throws Exception {
    return json(call("GET", "/jobs/" + id, null, true));
  }

  private static String awaitState(String id, String state) {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> job(id).get("state").asText(),
            s -> s.equals(state) || s.equals("failed") && !state.equals("failed"));
    return state;
  }

  @Test
  void servesTheEmbeddingEndpoints() throws Exception {
    // The service's query binds its server with its first batch: wait for it (or its failure).
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                !controller.serviceRunning()
                    || call("GET", "/v1/models", null, true).statusCode() == 200);
    assumeTrue(
        controller.serviceRunning(),
        "the embedding service's query stopped (see its log): service/serving integration");
    HttpResponse<String> r =
        call("POST", "/v1/embeddings", "{\"input\": \"hello controller\"}", true);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("data").get(0).get("embedding")).hasSize(384);
    assertThat(call("POST", "/v1/embeddings", "{\"input\": \"x\"}", false).statusCode())
        .isEqualTo(401);
  }

  @Test
  void jobApiNeedsTheKey() throws Exception {
    assertThat(call("GET", "/jobs", null, false).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/jobs/nope", null, true).statusCode()).isEqualTo(404);
    assertThat(call("PUT", "/jobs", "{}", true).statusCode()).isEqualTo(405);
  }

  @Test
  void invalidSpecListsEveryProblem() throws Exception {
    HttpResponse<String> r =
        call(
            "POST",
            "/jobs",
            "{\"table\": \"docs\", \"partitions\": 0, \"colour\": \"red\", \"incremental\": \"yes\"}",
            true);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode problems = json(r).get("error").get("problems");
    assertThat(problems.toString())
        .contains("Unknown field 'colour'")
        .contains(
            "Invalid field 'incremental' in the job spec: \\\"yes\\\" (expected true or false)")
        .contains("Missing field 'connection'")
        .contains("Missing option '--id-column'")
        .contains("Invalid option 'partitions': 0");
  }

  @Test
  void jobLifeCycleFailureThenSuccess() throws Exception {
    HttpResponse<String> bad =
        call(
            "POST",
            "/jobs",
            "{\"connection\": \"docs\", \"table\": \"missing\", \"idColumn\": \"id\","
                + " \"textColumn\": \"body\", \"targetTable\": \"t\"}",
            true);
    assertThat(bad.statusCode()).isEqualTo(202);
    String badId = json(bad).get("id").asText();
    awaitState(badId, "failed");
    assertThat(job(badId).get("error").asText()).contains("Invalid option 'table': missing");

    HttpResponse<String> ok =
        call(
            "POST",
            "/jobs",
            "{\"connection\": \"docs\", \"table\": \"docs\", \"id-column\": \"id\","
                + " \"text-column\": \"body\", \"target-table\": \"docs_vec\"}",
            true);
    assertThat(ok.statusCode()).isEqualTo(202);
    assertThat(ok.headers().firstValue("Location")).isPresent();
    String id = json(ok).get("id").asText();
    awaitState(id, "succeeded");
    JsonNode done = job(id);
    assertThat(done.get("rowsDone").asLong()).isEqualTo(200);
    assertThat(done.get("rowsTotal").asLong()).isEqualTo(200);
    assertThat(done.get("error").isNull()).isTrue();
    assertThat(count(db, "SELECT COUNT(*) FROM docs_vec")).isEqualTo(200);
    assertThat(json(call("GET", "/jobs", null, true)).get("jobs").toString())
        .contains(id)
        .contains(badId);
  }

  @Test
  void pullModeStreamsVectorsAsJsonLines() throws Exception {
    HttpResponse<String> r =
        call(
            "POST",
            "/jobs",
            "{\"connection\": \"docs\", \"table\": \"docs\", \"idColumn\": \"id\","
                + " \"textColumn\": \"body\", \"pull\": true}",
            true);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = json(r).get("id").asText();
    awaitState(id, "succeeded");
    HttpResponse<String> lines = call("GET", "/jobs/" + id + "/results", null, true);
    assertThat(lines.statusCode()).isEqualTo(200);
    assertThat(lines.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    String[] rows = lines.body().split("\n");
    assertThat(rows).hasSize(200);
    JsonNode first = JSON.readTree(rows[0]);
    assertThat(first.get("id").isNumber()).isTrue();
    assertThat(first.get("embedding")).hasSize(384);
  }

  @Test
  void cancelledJobThenRerunLeavesOneRowPerId() throws Exception {
    String spec =
        "{\"connection\": \"docs\", \"table\": \"big\", \"idColumn\": \"id\","
            + " \"textColumn\": \"body\", \"targetTable\": \"big_vec\", \"partitions\": 4}";
    String id = json(call("POST", "/jobs", spec, true)).get("id").asText();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                job(id).get("rowsDone").asLong() > 0
                    || !job(id).get("state").asText().equals("running")
                        && !job(id).get("state").asText().equals("queued"));
    assertThat(job(id).get("state").asText()).isEqualTo("running");
    assertThat(call("DELETE", "/jobs/" + id, null, true).statusCode()).isEqualTo(202);
    awaitState(id, "cancelled");
    assertThat(
            count(
                db, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'BIG_VEC'"))
        .isZero();

    String again = json(call("POST", "/jobs", spec, true)).get("id").asText();
    awaitState(again, "succeeded");
    assertThat(count(db, "SELECT COUNT(*) FROM big_vec")).isEqualTo(3000);
    assertThat(count(db, "SELECT COUNT(DISTINCT id) FROM big_vec")).isEqualTo(3000);
  }

  // ---- issue 11: the attacks that worked before, replayed

  private static HttpResponse<String> submit(String spec) throws Exception {
    return call("POST", "/jobs", spec, ADMIN);
  }

  @Test
  void theEmbeddingsKeyNeverGrantsTheJobsApi() throws Exception {
    HttpResponse<String> r = call("GET", "/jobs", null, KEY);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("admin key");
    assertThat(call("POST", "/jobs", "{}", KEY).statusCode()).isEqualTo(401);
  }

  @Test
  void aJobCannotCarryAJdbcUrlCredentialsOrAnEnvironmentVariable() throws Exception {
    // Before: H2's INIT ran CREATE ALIAS ... Runtime.exec on the controller.
    HttpResponse<String> exec =
        submit(
            "{\"jdbcUrl\": \"jdbc:h2:mem:x;INIT=CREATE ALIAS EXEC AS 'String e(String c) throws"
                + " Exception { Runtime.getRuntime().exec(c); return c; }'\\\\;CALL EXEC('touch"
                + " /tmp/pwned')\", \"table\": \"docs\", \"idColumn\": \"id\", \"textColumn\":"
                + " \"body\", \"targetTable\": \"t\"}");
    assertThat(exec.statusCode()).isEqualTo(400);
    assertThat(exec.body()).contains("Field 'jdbcUrl' is not accepted in a job spec");
    // Before: passwordEnv sent any environment variable to a server of the caller's choosing.
    HttpResponse<String> env =
        submit(
            "{\"connection\": \"docs\", \"passwordEnv\": \"HOME\", \"user\": \"x\","
                + " \"password\": \"y\", \"table\": \"docs\", \"idColumn\": \"id\","
                + " \"textColumn\": \"body\", \"targetTable\": \"t\"}");
    assertThat(env.statusCode()).isEqualTo(400);
    assertThat(json(env).get("error").get("problems").toString())
        .contains("Field 'passwordEnv' is not accepted")
        .contains("Field 'user' is not accepted")
        .contains("Field 'password' is not accepted");
    HttpResponse<String> unknown =
        submit(
            "{\"connection\": \"elsewhere\", \"table\": \"docs\", \"idColumn\": \"id\","
                + " \"textColumn\": \"body\", \"targetTable\": \"t\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("'elsewhere' (expected one of [docs])");
  }

  @Test
  void filesStayInsideTheDataDirectory() throws Exception {
    java.nio.file.Files.createSymbolicLink(data.resolve("etc"), Path.of("/etc"));
    for (String input : new String[] {"/etc/passwd", "../../../../etc/passwd", "etc/passwd"}) {
      // Before: {"input": "/etc/passwd", "format": "csv", "pull": true} returned the file.
      HttpResponse<String> r =
          submit(
              "{\"input\": \""
                  + input
                  + "\", \"format\": \"csv\", \"idColumn\": \"a\", \"textColumn\": \"b\","
                  + " \"pull\": true}");
      assertThat(r.statusCode()).as(input).isEqualTo(400);
      assertThat(r.body()).as(input).contains("Invalid field 'input' in the job spec");
    }
    HttpResponse<String> out =
        submit(
            "{\"connection\": \"docs\", \"table\": \"docs\", \"idColumn\": \"id\","
                + " \"textColumn\": \"body\", \"output\": \"/tmp/anywhere.parquet\"}");
    assertThat(out.statusCode()).isEqualTo(400);
    assertThat(out.body()).contains("Invalid field 'output' in the job spec");
  }

  @Test
  void anExistingOutputIsReplacedOnlyWhenTheSpecSaysOverwrite() throws Exception {
    java.nio.file.Files.createDirectories(data.resolve("vectors.parquet"));
    String spec =
        "{\"connection\": \"docs\", \"table\": \"docs\", \"idColumn\": \"id\","
            + " \"textColumn\": \"body\", \"output\": \"vectors.parquet\"";
    HttpResponse<String> refused = submit(spec + "}");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("exists: give \\\"mode\\\": \\\"overwrite\\\"");
    HttpResponse<String> ok = submit(spec + ", \"mode\": \"overwrite\"}");
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
    awaitState(json(ok).get("id").asText(), "succeeded");
  }

  @Test
  void tableAndColumnNamesAreIdentifiersNeverSql() throws Exception {
    HttpResponse<String> r =
        submit(
            "{\"connection\": \"docs\", \"table\": \"docs; DROP TABLE docs\", \"idColumn\":"
                + " \"id) --\", \"textColumn\": \"body\", \"targetTable\": \"t\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("error").get("problems").toString())
        .contains("Invalid option 'table': docs; DROP TABLE docs")
        .contains("Invalid option 'id-column': id) --");
    assertThat(count(db, "SELECT COUNT(*) FROM docs")).isEqualTo(200);
  }

  @Test
  void aJobSpecOverTheLimitGets413() throws Exception {
    String big = "{\"table\": \"" + "x".repeat(JobsApi.MAX_SPEC_BYTES) + "\"}";
    HttpResponse<String> r = call("POST", "/jobs", big, ADMIN);
    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void stalledConnectionsDoNotBlockTheController() throws Exception {
    // Before: 8 stalled connections took all of the JDK server's threads, /healthz included.
    java.util.List<java.net.Socket> stalled = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 32; i++) {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", controller.port());
        socket
            .getOutputStream()
            .write(
                ("POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        stalled.add(socket);
      }
      assertThat(call("GET", "/healthz", null, KEY).statusCode()).isEqualTo(200);
      assertThat(call("GET", "/jobs", null, ADMIN).statusCode()).isEqualTo(200);
    } finally {
      for (java.net.Socket socket : stalled) {
        socket.close();
      }
    }
  }
}
