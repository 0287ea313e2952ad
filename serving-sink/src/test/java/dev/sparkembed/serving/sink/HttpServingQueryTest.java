package dev.sparkembed.serving.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sparkembed.serving.HttpServing;
import dev.sparkembed.serving.server.RequestQueue;
import dev.sparkembed.serving.testing.EchoQueries;
import dev.sparkembed.serving.testing.RawHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source and sink together in head mode on a real {@code local[2]} session (tasks may retry
 * once) and real sockets: the echo service end to end and every edge of issue 2 that needs Spark.
 */
class HttpServingQueryTest {
  private static SparkSession spark;
  static volatile CountDownLatch hold = new CountDownLatch(0);

  @TempDir Path dir;
  private final List<StreamingQuery> queries = new ArrayList<>();

  @BeforeAll
  static void startSpark() {
    spark = EchoQueries.session("local[2,2]");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @AfterEach
  void stopQueries() throws Exception {
    hold.countDown();
    for (StreamingQuery q : queries) {
      q.stop();
    }
  }

  private StreamingQuery echo(int port, String path, Path checkpoint) throws Exception {
    return echo(port, path, checkpoint, Map.of());
  }

  private StreamingQuery echo(int port, String path, Path checkpoint, Map<String, String> options)
      throws Exception {
    StreamingQuery q = EchoQueries.start(spark, port, path, checkpoint, options, d -> d);
    queries.add(q);
    return q;
  }

  /** Echo with a per-row test hook: "hold" waits for {@link #hold}, "boom" fails first attempts. */
  private StreamingQuery echoWithHooks(int port, String path, Map<String, String> options)
      throws Exception {
    var hook =
        functions.udf(
            (UDF1<String, Boolean>)
                text -> {
                  if ("hold".equals(text)) {
                    hold.await();
                  }
                  if ("boom".equals(text) && TaskContext.get().attemptNumber() == 0) {
                    throw new IllegalStateException("boom on the first attempt");
                  }
                  if ("fatal".equals(text)) {
                    throw new IllegalStateException("fatal request");
                  }
                  return !"drop me".equals(text);
                },
            DataTypes.BooleanType);
    StreamingQuery q =
        EchoQueries.start(
            spark,
            port,
            path,
            dir.resolve("cp-hooks"),
            options,
            d -> d.filter(hook.apply(d.col("json.text"))));
    queries.add(q);
    return q;
  }

  @Test
  void thousandRequestsOverFiftyConnectionsEachGetTheirOwnReply() throws Exception {
    int port = RawHttp.freePort();
    echo(port, "/echo", dir.resolve("cp"));
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int c = 0; c < 50; c++) {
        int conn = c;
        results.add(
            pool.submit(
                () -> {
                  int ok = 0;
                  try (RawHttp client = new RawHttp(port)) {
                    for (int i = 0; i < 20; i++) {
                      String text = "c" + conn + "-r" + i + "-" + "x".repeat((conn * 7 + i) % 40);
                      RawHttp.Response r = client.post("/echo", EchoQueries.body(text));
                      if (r.status() == 200
                          && r.body().equals("{\"length\":" + text.length() + "}")) {
                        ok++;
                      }
                    }
                  }
                  return ok;
                }));
      }
      int ok = 0;
      for (Future<Integer> f : results) {
        ok += f.get(120, TimeUnit.SECONDS);
      }
      assertThat(ok).isEqualTo(1000);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badJsonIsAnswered400WithTheReasonAndTheQueryKeepsServing() throws Exception {
    int port = RawHttp.freePort();
    StreamingQuery q = echo(port, "/echo", dir.resolve("cp"));
    try (RawHttp c = new RawHttp(port)) {
      RawHttp.Response bad = c.post("/echo", "{\"text\": oops}");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.headers()).containsEntry("content-type", "application/json");
      assertThat(bad.body()).contains("Invalid JSON body").contains("line 1");
      RawHttp.Response wrongType = c.post("/echo", "{\"text\": 42}");
      assertThat(wrongType.status()).isEqualTo(400);
      assertThat(wrongType.body()).contains("field 'text' must be a string, got a number");
      RawHttp.Response good = c.post("/echo", EchoQueries.body("héllo"));
      assertThat(good.status()).isEqualTo(200);
      assertThat(good.body()).isEqualTo("{\"length\":5}");
    }
    assertThat(q.isActive()).isTrue();
    assertThat(q.exception().isEmpty()).isTrue();
  }

  @Test
  void aRowFilteredOutIsAnswered500AtTheBatchCommit() throws Exception {
    int port = RawHttp.freePort();
    // A long request timeout: the 500 must come from the batch's commit, not from the timer.
    echoWithHooks(port, "/f", Map.of("requestTimeout", "5m"));
    try (RawHttp c = new RawHttp(port)) {
      c.timeout(60_000);
      RawHttp.Response r = c.post("/f", EchoQueries.body("drop me"));
      assertThat(r.status()).isEqualTo(500);
      assertThat(r.body()).contains("wrote no reply").contains("batch");
      assertThat(c.post("/f", EchoQueries.body("keep")).body()).isEqualTo("{\"length\":4}");
    }
    assertThat(EchoQueries.queue(port, "/f").metrics().unanswered()).isEqualTo(1);
  }

  @Test
  void stoppingTheQueryAnswersEveryPendingRequest503() throws Exception {
    hold = new CountDownLatch(1);
    int port = RawHttp.freePort();
    StreamingQuery q = echoWithHooks(port, "/stop", Map.of());
    RequestQueue queue = EchoQueries.queue(port, "/stop");
    List<RawHttp> clients = new ArrayList<>();
    try {
      // "hold" first, so the batch that reads it blocks and "a" and "b" wait behind it.
      List<String> texts = List.of("hold", "a", "b");
      for (int i = 0; i < texts.size(); i++) {
        RawHttp c = new RawHttp(port);
        c.send(RawHttp.request("POST", "/stop", EchoQueries.body(texts.get(i))));
        clients.add(c);
        long expected = i + 1;
        await().atMost(Duration.ofSeconds(30)).until(() -> queue.lastSeq() == expected);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> queue.depth() == 3 && queue.lastSeq() == 3);
      q.stop();
      for (RawHttp c : clients) {
        RawHttp.Response r = c.read();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).contains("the query stopped");
      }
    } finally {
      for (RawHttp c : clients) {
        c.close();
      }
    }
    // The port is released: a new query binds it at once.
    echo(port, "/stop", dir.resolve("cp2"));
    try (RawHttp c = new RawHttp(port)) {
      assertThat(c.post("/stop", EchoQueries.body("again")).status()).isEqualTo(200);
    }
  }

  @Test
  void aFailedQueryAnswersItsPendingRequests503AtOnce() throws Exception {
    int port = RawHttp.freePort();
    StreamingQuery q = echoWithHooks(port, "/fail", Map.of("requestTimeout", "5m"));
    try (RawHttp c = new RawHttp(port)) {
      RawHttp.Response r = c.post("/fail", EchoQueries.body("fatal"));
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.body()).contains("failed");
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> !q.isActive());
    assertThat(q.exception().get().getMessage()).contains("fatal request");
    // Nothing listens any more.
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new RawHttp(port).close()))
        .isInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void aRetriedTaskAnswersEachRequestExactlyOnce() throws Exception {
    hold = new CountDownLatch(1);
    int port = RawHttp.freePort();
    echoWithHooks(port, "/retry", Map.of("numPartitions", "1"));
    RequestQueue queue = EchoQueries.queue(port, "/retry");
    List<RawHttp> clients = new ArrayList<>();
    try {
      // "hold" keeps batch 0 busy, so the next three arrive in order and form one batch.
      List<String> texts = List.of("hold", "a", "bb", "boom");
      for (int i = 0; i < texts.size(); i++) {
        RawHttp c = new RawHttp(port);
        c.send(RawHttp.request("POST", "/retry", EchoQueries.body(texts.get(i))));
        clients.add(c);
        long expected = i + 1;
        await().atMost(Duration.ofSeconds(30)).until(() -> queue.lastSeq() == expected);
      }
      hold.countDown();
      for (int i = 0; i < texts.size(); i++) {
        RawHttp.Response r = clients.get(i).read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"length\":" + texts.get(i).length() + "}");
      }
      for (RawHttp c : clients) {
        c.timeout(500);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(c::read))
            .isInstanceOf(java.net.SocketTimeoutException.class);
      }
    } finally {
      for (RawHttp c : clients) {
        c.close();
      }
    }
    assertThat(queue.metrics().answered()).isEqualTo(4);
    assertThat(queue.metrics().unanswered()).isZero();
  }

  @Test
  void twoQueriesShareOnePortWithDifferentPaths() throws Exception {
    int port = RawHttp.freePort();
    echo(port, "/one", dir.resolve("cp1"));
    StreamingQuery two =
        EchoQueries.start(
            spark,
            port,
            "/two",
            dir.resolve("cp2"),
            Map.of(),
            d ->
                d.withColumn(
                    "json",
                    functions.struct(
                        functions.upper(d.col("json.text")).as("text"), functions.lit(1).as("x"))));
    queries.add(two);
    try (RawHttp c = new RawHttp(port)) {
      assertThat(c.post("/one", EchoQueries.body("abc")).body()).isEqualTo("{\"length\":3}");
      assertThat(c.post("/two", EchoQueries.body("abcd")).body()).isEqualTo("{\"length\":4}");
      assertThat(c.post("/three", EchoQueries.body("abcd")).status()).isEqualTo(404);
    }
  }

  @Test
  void aQueryRestartedFromItsCheckpointServesAgainOnTheSamePort() throws Exception {
    int port = RawHttp.freePort();
    Path checkpoint = dir.resolve("cp");
    StreamingQuery first = echo(port, "/r", checkpoint);
    try (RawHttp c = new RawHttp(port)) {
      assertThat(c.post("/r", EchoQueries.body("one")).status()).isEqualTo(200);
      assertThat(c.post("/r", EchoQueries.body("two")).status()).isEqualTo(200);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(checkpoint.resolve("commits").resolve("1")));
    first.stop();
    String offsets = Files.readString(checkpoint.resolve("offsets").resolve("1"));
    assertThat(offsets).contains("\"version\":1");

    // Replay: forget that the last batch committed; its requests are gone with the old server.
    Files.delete(checkpoint.resolve("commits").resolve("1"));
    Files.deleteIfExists(checkpoint.resolve("commits").resolve(".1.crc"));
    StreamingQuery second = echo(port, "/r", checkpoint);
    try (RawHttp c = new RawHttp(port)) {
      assertThat(c.post("/r", EchoQueries.body("three")).body()).isEqualTo("{\"length\":5}");
      assertThat(c.post("/r", EchoQueries.body("four!")).body()).isEqualTo("{\"length\":5}");
    }
    assertThat(second.exception().isEmpty()).isTrue();
    assertThat(second.lastProgress().batchId()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void noEmptyBatchesRunAndProgressShowsServingMetrics() throws Exception {
    int port = RawHttp.freePort();
    Path checkpoint = dir.resolve("cp");
    StreamingQuery q = echo(port, "/idle", checkpoint);
    try (RawHttp c = new RawHttp(port)) {
      for (int i = 0; i < 3; i++) {
        assertThat(c.post("/idle", EchoQueries.body("n" + i)).status()).isEqualTo(200);
      }
    }
    // Idle for a while: the batch count stays at what the three requests needed.
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> countFiles(checkpoint.resolve("commits")) <= 3);
    assertThat(q.lastProgress().sources()[0].metrics()).containsEntry("received", "3");
    assertThat(q.lastProgress().sources()[0].metrics()).containsKey("queueDepth");
  }

  @Test
  void replyStructAndPlainBodyColumnsAreBothAccepted() throws Exception {
    int port = RawHttp.freePort();
    var requests =
        spark.readStream().format("httpserver").option("port", port).option("path", "/raw").load();
    StreamingQuery q =
        requests
            .selectExpr(
                "id",
                "named_struct('status', 201, 'headers', map('x-echo', request.headers['x-in']),"
                    + " 'body', request.body) AS reply")
            .writeStream()
            .format("httpserver")
            .option("replyTo", "/raw")
            .option("checkpointLocation", dir.resolve("cp").toString())
            .start();
    queries.add(q);
    int port2 = RawHttp.freePort();
    var plain =
        spark
            .readStream()
            .format("httpserver")
            .option("port", port2)
            .option("path", "/plain")
            .load();
    StreamingQuery q2 =
        plain
            .selectExpr("id", "concat('you sent ', cast(request.body AS STRING)) AS body")
            .writeStream()
            .format("httpserver")
            .option("replyTo", "/plain")
            .option("checkpointLocation", dir.resolve("cp2").toString())
            .start();
    queries.add(q2);
    dev.sparkembed.serving.HttpServing.awaitServing(q, Duration.ofSeconds(60));
    dev.sparkembed.serving.HttpServing.awaitServing(q2, Duration.ofSeconds(60));
    try (RawHttp c = new RawHttp(port)) {
      RawHttp.Response r = c.post("/raw", "bytes!", "X-In: hi");
      assertThat(r.status()).isEqualTo(201);
      assertThat(r.headers()).containsEntry("x-echo", "hi");
      assertThat(r.body()).isEqualTo("bytes!");
    }
    try (RawHttp c = new RawHttp(port2)) {
      RawHttp.Response r = c.post("/plain", "abc");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("you sent abc");
      assertThat(r.headers().get("content-type")).startsWith("text/plain");
    }
  }

  @Test
  void aContinuousQueryAnswersEachRequestAsItArrives() throws Exception {
    int port = RawHttp.freePort();
    StreamingQuery q =
        EchoQueries.start(
            spark,
            port,
            "/c",
            dir.resolve("cp"),
            Map.of(),
            d -> d.filter(functions.not(d.col("json.text").equalTo("drop me"))),
            Trigger.Continuous(200));
    queries.add(q);
    try (RawHttp a = new RawHttp(port);
        RawHttp b = new RawHttp(port)) {
      for (int i = 0; i < 20; i++) {
        assertThat(a.post("/c", EchoQueries.body("a" + i)).body())
            .isEqualTo("{\"length\":" + ("a" + i).length() + "}");
      }
      b.send(RawHttp.request("POST", "/c", EchoQueries.body("drop me")));
      assertThat(a.post("/c", EchoQueries.body("after")).body()).isEqualTo("{\"length\":5}");
      // The dropped row's request is answered when its epoch commits.
      RawHttp.Response dropped = b.read();
      assertThat(dropped.status()).isEqualTo(500);
      assertThat(dropped.body()).contains("wrote no reply");
    }
    q.stop();
    assertThat(q.exception().isEmpty()).isTrue();
  }

  @Test
  void distributedModeOnALocalMasterServesFromTheDriverAndPublishesIt() throws Exception {
    int port = RawHttp.freePort();
    echo(port, "/d", dir.resolve("cp"), Map.of("mode", "distributed"));
    try (RawHttp c = new RawHttp(port)) {
      assertThat(c.post("/d", EchoQueries.body("dist")).body()).isEqualTo("{\"length\":4}");
    }
    assertThat(HttpServing.servers("/d")).hasSize(1);
    assertThat(HttpServing.servers("/d").get(0).executorId()).isEqualTo("driver");
    String secret = HttpServing.internalSecret("/d");
    try (RawHttp c = new RawHttp(port)) {
      c.send(
          RawHttp.request("GET", "/_spark-embed/servers", null, "X-Spark-Embed-Secret: " + secret));
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body())
          .isEqualTo(
              "{\"servers\":[{\"host\":\"127.0.0.1\",\"port\":"
                  + port
                  + ",\"executorId\":\"driver\"}]}");
      c.send(RawHttp.request("GET", "/_spark-embed/servers", null));
      assertThat(c.read().status()).isEqualTo(403);
    }
  }

  private static long countFiles(Path p) throws IOException {
    if (!Files.exists(p)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(p)) {
      return s.filter(f -> !f.getFileName().toString().startsWith(".")).count();
    }
  }
}
