package dev.sparkembed.embed.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkembed.embed.engine.DeviceChoice;
import dev.sparkembed.embed.engine.ModelSpec;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A head-mode service whose warm-up job cannot run yet (as on a controller before any worker has
 * joined): its port is open at once, {@code /healthz} answers 200, {@code /readyz} 503 naming what
 * it waits for, and embedding requests 503 with {@code Retry-After}, until a task slot frees up and
 * the model is loaded. Here the only slot of {@code local[1]} is held by another job until the test
 * lets it go.
 */
class ServiceWaitsForExecutorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Counted down by the task that holds the slot once it runs; it waits on {@link #RELEASE}. */
  private static final CountDownLatch SLOT_TAKEN = new CountDownLatch(1);

  private static final CountDownLatch RELEASE = new CountDownLatch(1);

  @Test
  void servesHealthAndRefusesEmbeddingsUntilAnExecutorHasTheModel() throws Exception {
    SparkSession spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("ServiceWaitsForExecutorsTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.streaming.pollingDelay", "1ms")
            .getOrCreate();
    CompletableFuture<EmbeddingService> starting = null;
    try {
      CompletableFuture<Void> slotHolder =
          CompletableFuture.runAsync(
              () ->
                  JavaSparkContext.fromSparkContext(spark.sparkContext())
                      .parallelize(List.of(1), 1)
                      .foreach(
                          ignored -> {
                            SLOT_TAKEN.countDown();
                            RELEASE.await();
                          }));
      assertThat(SLOT_TAKEN.await(2, TimeUnit.MINUTES)).isTrue();

      int port = freePort();
      URI base = URI.create("http://127.0.0.1:" + port);
      ServiceConf conf = conf(port);
      starting = CompletableFuture.supplyAsync(() -> EmbeddingService.start(spark, conf));

      HttpResponse<String> health = awaitAnswer(base.resolve("/healthz"));
      assertThat(health.statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(base.resolve("/readyz"));
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("no executor has loaded the model yet");

      HttpResponse<String> refused = postEmbeddings(base);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("retry-after")).hasValue("5");
      JsonNode error = JSON.readTree(refused.body()).get("error");
      assertThat(error.get("message").asText()).contains("no executor has loaded the model yet");
      assertThat(starting).isNotDone();

      RELEASE.countDown();
      slotHolder.get(2, TimeUnit.MINUTES);
      try (EmbeddingService service = starting.get(5, TimeUnit.MINUTES)) {
        assertThat(service.model().dimension()).isEqualTo(384);
        assertThat(get(base.resolve("/readyz")).statusCode()).isEqualTo(200);
        HttpResponse<String> answered = postEmbeddings(base);
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answered.body()).at("/data/0/embedding").size()).isEqualTo(384);
      }
    } finally {
      RELEASE.countDown();
      if (starting != null && !starting.isDone()) {
        starting.cancel(true);
      }
      spark.stop();
    }
  }

  private static ServiceConf conf(int port) {
    return new ServiceConf(
        "127.0.0.1",
        port,
        "head",
        false,
        "local[1]",
        ModelSpec.defaults().withDevice(DeviceChoice.CPU),
        null,
        null,
        null,
        ServiceLimits.defaults(),
        100,
        Duration.ofSeconds(120),
        100,
        0,
        Map.of());
  }

  /** GETs {@code uri} until the server answers (at most a minute of refused connections). */
  private static HttpResponse<String> awaitAnswer(URI uri) throws Exception {
    java.io.IOException last = null;
    for (int attempt = 0; attempt < 600; attempt++) {
      try {
        return get(uri);
      } catch (java.net.ConnectException e) {
        last = e;
        Thread.sleep(100); // polling a port that is not open yet; nothing to wait on instead
      }
    }
    throw new AssertionError("The service's port never opened", last);
  }

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> postEmbeddings(URI base) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(base.resolve("/v1/embeddings"))
            .timeout(Duration.ofSeconds(120))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"input\": [\"The weather is lovely.\"]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
