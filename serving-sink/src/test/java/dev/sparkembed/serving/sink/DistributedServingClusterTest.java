package dev.sparkembed.serving.sink;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sparkembed.serving.HttpServing;
import dev.sparkembed.serving.server.InternalClient;
import dev.sparkembed.serving.source.ServerInfo;
import dev.sparkembed.serving.testing.EchoQueries;
import dev.sparkembed.serving.testing.LocalClusters;
import dev.sparkembed.serving.testing.RawHttp;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Distributed and continuous serving on real separate executor JVMs ({@code
 * local-cluster[2,1,1024]}: two executors, one core each), one cluster for the whole class. The
 * executor kill runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedServingClusterTest {
  private static SparkSession spark;
  private static Path work;
  private final List<StreamingQuery> queries = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws IOException {
    work = Files.createDirectories(Paths.get("cluster-test").toAbsolutePath());
    spark =
        LocalClusters.twoExecutors(
            "serving-cluster-test", Map.of("spark.sql.shuffle.partitions", "3"));
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.stop();
    }
  }

  @AfterEach
  void stopQueries() throws Exception {
    for (StreamingQuery q : queries) {
      q.stop();
    }
  }

  private StreamingQuery start(
      String path,
      Map<String, String> options,
      UnaryOperator<Dataset<Row>> between,
      Trigger trigger)
      throws Exception {
    StreamingQuery q =
        EchoQueries.start(
            spark,
            RawHttp.freePort(),
            path,
            Files.createTempDirectory(work, "cp"),
            options,
            between,
            trigger);
    queries.add(q);
    return q;
  }

  private static List<ServerInfo> awaitServers(String path, int n) {
    await().atMost(Duration.ofSeconds(90)).until(() -> HttpServing.servers(path).size() == n);
    return HttpServing.servers(path);
  }

  /** Sends {@code perServer} distinct requests to each server over a few connections. */
  private static void assertEveryRequestGetsItsOwnReply(
      List<ServerInfo> servers, String path, int perServer) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> ok = new ArrayList<>();
      for (ServerInfo s : servers) {
        for (int c = 0; c < 4; c++) {
          int conn = c;
          ok.add(
              pool.submit(
                  () -> {
                    int good = 0;
                    try (RawHttp client = new RawHttp(s.port())) {
                      for (int i = 0; i < perServer / 4; i++) {
                        String text = s.executorId() + "-" + conn + "-" + i + "x".repeat(i % 9);
                        RawHttp.Response r = client.post(path, EchoQueries.body(text));
                        if (r.status() == 200
                            && r.body().equals("{\"length\":" + text.length() + "}")) {
                          good++;
                        }
                      }
                    }
                    return good;
                  }));
        }
      }
      int good = 0;
      for (Future<Integer> f : ok) {
        good += f.get(3, TimeUnit.MINUTES);
      }
      assertThat(good).isEqualTo(servers.size() * (perServer / 4) * 4);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(1)
  void requestsToEveryExecutorServerAreAnsweredWithTheirOwnReply() throws Exception {
    int driverPort = RawHttp.freePort();
    StreamingQuery q =
        EchoQueries.start(
            spark,
            driverPort,
            "/dist",
            Files.createTempDirectory(work, "cp"),
            Map.of("mode", "distributed"),
            d -> d,
            Trigger.ProcessingTime(0));
    queries.add(q);
    List<ServerInfo> servers = awaitServers("/dist", 2);
    assertThat(servers).extracting(ServerInfo::executorId).doesNotContain("driver");
    assertThat(servers).extracting(ServerInfo::port).doesNotContain(driverPort);
    assertThat(servers.get(0).pid()).isNotEqualTo(servers.get(1).pid());
    assertEveryRequestGetsItsOwnReply(servers, "/dist", 40);
    // The executors' counters reach the query's progress.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                q.lastProgress() != null
                    && Long.parseLong(
                            q.lastProgress().sources()[0].metrics().getOrDefault("received", "0"))
                        >= 80);
    // The driver publishes the list, and sends clients of the API path on to the executors.
    try (RawHttp c = new RawHttp(driverPort)) {
      c.send(
          RawHttp.request(
              "GET",
              "/_spark-embed/servers",
              null,
              "X-Spark-Embed-Secret: " + HttpServing.internalSecret("/dist")));
      RawHttp.Response list = c.read();
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.body())
          .isEqualTo(HttpServing.serversJson("/dist"))
          .contains("\"executorId\":\"1\"");
      RawHttp.Response r = c.post("/dist", EchoQueries.body("to the driver"));
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.body()).contains("/_spark-embed/servers");
    }
  }

  @Test
  @Order(2)
  void aJobThatShufflesItsRowsStillAnswersEveryRequest() throws Exception {
    start(
        "/shuffle",
        Map.of("mode", "distributed", "numPartitions", "2"),
        d -> d.repartition(3, col("json.text")),
        Trigger.ProcessingTime(0));
    assertEveryRequestGetsItsOwnReply(awaitServers("/shuffle", 2), "/shuffle", 40);
  }

  @Test
  @Order(3)
  void headPlacementOnAClusterAndContinuousQueriesInBothPlacementsAnswer() throws Exception {
    // Head placement on a cluster, micro-batches: executors read the driver's requests over the
    // internal endpoint and forward the replies back.
    int mbPort = RawHttp.freePort();
    StreamingQuery mb =
        EchoQueries.start(
            spark,
            mbPort,
            "/hm",
            Files.createTempDirectory(work, "cp"),
            Map.of(),
            d -> d,
            Trigger.ProcessingTime(0));
    try (RawHttp c = new RawHttp(mbPort)) {
      for (int i = 0; i < 10; i++) {
        assertThat(c.post("/hm", EchoQueries.body("m" + i)).body()).isEqualTo("{\"length\":2}");
      }
    }
    mb.stop();

    int port = RawHttp.freePort();
    StreamingQuery head =
        EchoQueries.start(
            spark,
            port,
            "/ch",
            Files.createTempDirectory(work, "cp"),
            Map.of(),
            d -> d,
            Trigger.Continuous(500));
    try (RawHttp c = new RawHttp(port)) {
      for (int i = 0; i < 10; i++) {
        assertThat(c.post("/ch", EchoQueries.body("h" + i)).body()).isEqualTo("{\"length\":2}");
      }
    }
    head.stop();
    start("/cd", Map.of("mode", "distributed"), d -> d, Trigger.Continuous(500));
    assertEveryRequestGetsItsOwnReply(awaitServers("/cd", 2), "/cd", 20);
  }

  @Test
  @Order(4)
  void stoppingADistributedQueryAnswersEveryPendingRequest503() throws Exception {
    var holdForever =
        functions.udf(
            (UDF1<String, Boolean>)
                text -> {
                  if (text != null && text.startsWith("hold")) {
                    new CountDownLatch(1).await(); // until the query's stop interrupts the task
                  }
                  return true;
                },
            DataTypes.BooleanType);
    StreamingQuery q =
        start(
            "/hold",
            Map.of("mode", "distributed"),
            d -> d.filter(holdForever.apply(d.col("json.text"))),
            Trigger.ProcessingTime(0));
    List<ServerInfo> servers = awaitServers("/hold", 2);
    String secret = HttpServing.internalSecret("/hold");
    List<RawHttp> clients = new ArrayList<>();
    try {
      for (ServerInfo s : servers) {
        for (int i = 0; i < 3; i++) {
          RawHttp c = new RawHttp(s.port());
          c.send(RawHttp.request("POST", "/hold", EchoQueries.body("hold" + i)));
          clients.add(c);
        }
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> new InternalClient(s.address(), secret).latest(s.token(), 2, 0).get() >= 3);
      }
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
    // The executors' servers are gone with the query (each closes its port after its short
    // quiet period, on its own executor, so stop() may return before).
    for (ServerInfo s : servers) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  org.assertj.core.api.Assertions.catchThrowable(
                          () -> new RawHttp(s.port()).close())
                      instanceof java.net.ConnectException);
    }
  }

  @Test
  @Order(5)
  void aKilledExecutorFailsFastTheOtherKeepsServingAndAReplacementJoins() throws Exception {
    start(
        "/kill",
        Map.of("mode", "distributed", "requestTimeout", "2m"),
        d -> d,
        Trigger.ProcessingTime(0));
    List<ServerInfo> servers = awaitServers("/kill", 2);
    ServerInfo victim = servers.get(0);
    ServerInfo survivor = servers.get(1);
    AtomicBoolean running = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> victimOutcomes = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> survivorOutcomes = new ConcurrentLinkedQueue<>();
    ExecutorService load = Executors.newFixedThreadPool(4);
    List<Future<?>> loops = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      ServerInfo target = t % 2 == 0 ? victim : survivor;
      ConcurrentLinkedQueue<String> outcomes = t % 2 == 0 ? victimOutcomes : survivorOutcomes;
      loops.add(
          load.submit(
              () -> {
                for (int i = 0; i < 2_000 && running.get(); i++) {
                  try (RawHttp c = new RawHttp(target.port())) {
                    c.timeout(60_000);
                    RawHttp.Response r = c.post("/kill", EchoQueries.body("k" + i));
                    outcomes.add(r == null ? "closed" : String.valueOf(r.status()));
                  } catch (SocketTimeoutException e) {
                    outcomes.add("hung");
                  } catch (IOException e) {
                    outcomes.add("io");
                    if (target == victim) {
                      return; // the victim is gone
                    }
                  }
                }
              }));
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> victimOutcomes.size() >= 3 && survivorOutcomes.size() >= 3);
    ProcessHandle.of(victim.pid()).ifPresent(ProcessHandle::destroyForcibly);

    // The replacement executor's server joins the published list.
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () ->
                HttpServing.servers("/kill").stream()
                    .anyMatch(
                        s ->
                            !Set.of(victim.executorId(), survivor.executorId())
                                .contains(s.executorId())));
    int before = survivorOutcomes.size();
    await().atMost(Duration.ofSeconds(60)).until(() -> survivorOutcomes.size() >= before + 3);
    running.set(false);
    for (Future<?> f : loops) {
      f.get(3, TimeUnit.MINUTES);
    }
    load.shutdownNow();
    assertThat(survivorOutcomes).isNotEmpty().allMatch("200"::equals);
    assertThat(victimOutcomes)
        .doesNotContain("hung", "504")
        .allMatch(o -> Set.of("200", "503", "io", "closed").contains(o));
    ServerInfo replacement =
        HttpServing.servers("/kill").stream()
            .filter(s -> !s.executorId().equals(survivor.executorId()))
            .findFirst()
            .orElseThrow();
    try (RawHttp c = new RawHttp(replacement.port())) {
      assertThat(c.post("/kill", EchoQueries.body("new")).body()).isEqualTo("{\"length\":3}");
    }
  }
}
