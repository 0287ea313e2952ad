package dev.sparkembed.serving.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sparkembed.lb.Backend;
import dev.sparkembed.lb.BackendAddress;
import dev.sparkembed.lb.LbOptions;
import dev.sparkembed.lb.LbServer;
import dev.sparkembed.serving.HttpServing;
import dev.sparkembed.serving.source.ServerInfo;
import dev.sparkembed.serving.testing.EchoQueries;
import dev.sparkembed.serving.testing.LocalClusters;
import dev.sparkembed.serving.testing.RawHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Executors that dial out: a distributed query on real executor JVMs ({@code
 * local-cluster[2,1,1024]}) with option {@code lb}, its servers attached to a real balancer in this
 * JVM, clients reaching them only through the balancer; then one executor is killed under load.
 */
class AttachedServingClusterTest {
  private static final String SECRET = "attached-cluster-test-secret";
  private static SparkSession spark;
  private static LbServer lb;
  private static Path work;

  @BeforeAll
  static void startClusterAndBalancer() throws Exception {
    work = Files.createDirectories(Paths.get("attach-cluster-test").toAbsolutePath());
    spark = LocalClusters.twoExecutors("attached-serving-test", Map.of());
    lb =
        LbServer.start(
            LbOptions.builder()
                .set(LbOptions.PORT, "0")
                .set(LbOptions.ATTACH_PORT, "0")
                .set(LbOptions.SECRET, SECRET)
                .set(LbOptions.RESPONSE_TIMEOUT, "2m")
                .build());
  }

  @AfterAll
  static void stop() {
    if (lb != null) {
      lb.close();
    }
    if (spark != null) {
      spark.stop();
    }
  }

  private static long metric(String series) throws IOException {
    try (RawHttp c = new RawHttp(lb.port())) {
      c.send(RawHttp.request("GET", "/metrics", null));
      for (String line : c.read().body().split("\n")) {
        if (line.startsWith(series + " ")) {
          return Long.parseLong(line.substring(series.length() + 1).trim());
        }
      }
    }
    return 0;
  }

  private static long answered(String backend, int status) throws IOException {
    return metric(
        "spark_embed_lb_requests_total{backend=\"" + backend + "\",status=\"" + status + "\"}");
  }

  /** Executor id to address of the attached backends. */
  private static Map<String, String> attachedBackends() {
    return lb.backends().backends().stream()
        .filter(b -> lb.backends().sourcesOf(b).contains(Backend.Source.ATTACHED))
        .collect(Collectors.toMap(Backend::label, b -> b.address().toString()));
  }

  /** Answers with a status of 500 or more, for every backend and the balancer itself. */
  private static long serverErrors() throws IOException {
    long n = 0;
    try (RawHttp c = new RawHttp(lb.port())) {
      c.send(RawHttp.request("GET", "/metrics", null));
      for (String line : c.read().body().split("\n")) {
        if (line.startsWith("spark_embed_lb_requests_total{") && line.contains(",status=\"5")) {
          n += Long.parseLong(line.substring(line.lastIndexOf(' ') + 1).trim());
        }
      }
    }
    return n;
  }

  @Test
  void executorsServeThroughTheBalancerAndAKilledOneFailsOnlyItsInFlightRequests()
      throws Exception {
    StreamingQuery q =
        EchoQueries.start(
            spark,
            RawHttp.freePort(),
            "/att",
            Files.createTempDirectory(work, "cp"),
            Map.of(
                "mode",
                "distributed",
                "lb",
                "127.0.0.1:" + lb.attachPort(),
                "secret",
                SECRET,
                "requestTimeout",
                "2m"),
            d -> d);
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> HttpServing.servers("/att").size() == 2);
      List<ServerInfo> servers = HttpServing.servers("/att");
      Map<String, String> byExecutor =
          servers.stream().collect(Collectors.toMap(ServerInfo::executorId, ServerInfo::address));
      await().atMost(Duration.ofSeconds(30)).until(() -> attachedBackends().equals(byExecutor));

      // Through the balancer only; both executors answer.
      try (RawHttp c = new RawHttp(lb.port())) {
        for (int i = 0; i < 30; i++) {
          RawHttp.Response r = c.post("/att", EchoQueries.body("x".repeat(i)));
          assertThat(r.status()).as(r.body()).isEqualTo(200);
          assertThat(r.body()).isEqualTo("{\"length\":" + i + "}");
        }
      }
      for (String a : byExecutor.values()) {
        assertThat(answered(a, 200)).as(a).isPositive();
      }

      ServerInfo victim = servers.get(0);
      ServerInfo survivor = servers.get(1);
      Backend victimBackend = lb.backends().get(BackendAddress.parse("test", victim.address()));
      AtomicBoolean running = new AtomicBoolean(true);
      ConcurrentLinkedQueue<Integer> outcomes = new ConcurrentLinkedQueue<>();
      ExecutorService load = Executors.newFixedThreadPool(4);
      List<Future<?>> loops =
          java.util.stream.IntStream.range(0, 4)
              .mapToObj(
                  t ->
                      load.submit(
                          () -> {
                            RawHttp c = null;
                            try {
                              for (int i = 0; i < 5_000 && running.get(); i++) {
                                if (c == null) {
                                  c = new RawHttp(lb.port());
                                  c.timeout(120_000);
                                }
                                RawHttp.Response r = c.post("/att", EchoQueries.body("k" + i));
                                outcomes.add(r == null ? -1 : r.status());
                                if (r == null) {
                                  c.close();
                                  c = null;
                                }
                              }
                            } finally {
                              if (c != null) {
                                c.close();
                              }
                            }
                            return null;
                          }))
              .collect(Collectors.toList());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> victimBackend.requests() > 20 && victimBackend.outstanding() > 0);
      ProcessHandle.of(victim.pid()).ifPresent(ProcessHandle::destroyForcibly);

      // The dead executor's backend leaves at once; a replacement executor attaches and serves.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !attachedBackends().containsKey(victim.executorId()));
      // Each of its requests has been answered (502) once the backend counts none outstanding.
      await().atMost(Duration.ofSeconds(30)).until(() -> victimBackend.outstanding() == 0);
      long failedAtDeath = serverErrors();
      await()
          .atMost(Duration.ofMinutes(3))
          .until(
              () ->
                  attachedBackends().keySet().stream()
                      .anyMatch(
                          id ->
                              !id.equals(victim.executorId())
                                  && !id.equals(survivor.executorId())));
      String replacement =
          attachedBackends().entrySet().stream()
              .filter(e -> !e.getKey().equals(survivor.executorId()))
              .findFirst()
              .orElseThrow()
              .getValue();
      long replacementBefore = answered(replacement, 200);
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> answered(replacement, 200) >= replacementBefore + 5);
      running.set(false);
      for (Future<?> f : loops) {
        f.get(3, TimeUnit.MINUTES);
      }
      load.shutdownNow();

      long failed = outcomes.stream().filter(s -> s != 200).count();
      assertThat(outcomes).allMatch(s -> s == 200 || s == 502 || s == 503);
      assertThat(failed).isPositive();
      // Every failed request was one the dead executor held, counted under its address, and all
      // of them failed by the time its backend left; the survivor never failed one.
      assertThat(answered(victim.address(), 502) + answered(victim.address(), 503))
          .isEqualTo(failed);
      assertThat(failedAtDeath).isEqualTo(failed);
      assertThat(serverErrors()).isEqualTo(failed);
      assertThat(
              metric(
                  "spark_embed_lb_backend_failures_total{backend=\""
                      + survivor.address()
                      + "\",reason=\"closed\"}"))
          .isZero();
    } finally {
      q.stop();
    }
    // The query's servers detach when it stops.
    await().atMost(Duration.ofSeconds(30)).until(() -> attachedBackends().isEmpty());
  }
}
