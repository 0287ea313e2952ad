package dev.sparkembed.embed.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkembed.embed.engine.DeviceChoice;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.embed.engine.ReferenceVectors;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service on the continuous trigger ({@code local[2]}, head mode, the real model, real HTTP):
 * requests that queue up while the reader's model call runs are answered by ONE next call, and each
 * client still gets exactly its own vectors in its own order.
 */
class ContinuousServiceTest {
  private static final ReferenceVectors REF = ReferenceVectors.load();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final int SMALL_REQUESTS = 8;

  private static SparkSession spark;
  private static EmbeddingService service;
  private static URI base;

  @BeforeAll
  static void start() throws IOException {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("ContinuousServiceTest")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ServiceConf conf =
        new ServiceConf(
            "127.0.0.1",
            port,
            "head",
            true,
            "local[2]",
            ModelSpec.defaults().withDevice(DeviceChoice.CPU),
            null,
            null,
            null,
            ServiceLimits.defaults(),
            1000,
            Duration.ofSeconds(120),
            100,
            0,
            Map.of());
    service = EmbeddingService.start(spark, conf);
    base = URI.create("http://127.0.0.1:" + port);
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    spark.stop();
  }

  @Test
  void queuedRequestsShareOneModelCallAndEachGetsItsOwnVectors() throws Exception {
    // The reader's task may start after the server: until one reply came back, requests wait.
    assertThat(post(List.of(REF.texts.get(0))).get().statusCode()).isEqualTo(200);
    double callsBefore = metric("spark_embed_model_call_seconds_count");
    // A long call keeps the one reader busy while the small requests queue up behind it.
    List<String> longTexts = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      longTexts.add(
          ("text " + i + " " + "the quick brown fox jumps over the lazy dog ").repeat(20));
    }
    CompletableFuture<HttpResponse<String>> big = post(longTexts);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> metric("spark_embed_queue_depth") == 1 && !big.isDone());

    List<List<Integer>> asked = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> small = new ArrayList<>();
    for (int r = 0; r < SMALL_REQUESTS; r++) {
      // Distinct texts per request, in an order that differs from the reference file's.
      List<Integer> mine = List.of(r + 1, (r * 7 + 3) % REF.texts.size(), r);
      asked.add(mine);
      small.add(post(mine.stream().map(REF.texts::get).toList()));
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> metric("spark_embed_queue_depth") == 1 + SMALL_REQUESTS);
    boolean bigStillRunning = !big.isDone();

    JsonNode bigReply = JSON.readTree(big.get().body());
    assertThat(big.get().statusCode()).isEqualTo(200);
    assertThat(bigReply.get("data")).hasSize(longTexts.size());
    for (int r = 0; r < SMALL_REQUESTS; r++) {
      HttpResponse<String> reply = small.get(r).get();
      assertThat(reply.statusCode()).isEqualTo(200);
      JsonNode data = JSON.readTree(reply.body()).get("data");
      assertThat(data).hasSize(asked.get(r).size());
      for (int k = 0; k < data.size(); k++) {
        assertThat(data.get(k).get("index").asInt()).isEqualTo(k);
        float[] vector = floats(data.get(k).get("embedding"));
        float[] expected = REF.vectors.get(asked.get(r).get(k));
        assertThat(ReferenceVectors.cosine(vector, expected))
            .as("request %d, text %d", r, k)
            .isGreaterThanOrEqualTo(0.9999);
      }
    }
    double calls = metric("spark_embed_model_call_seconds_count") - callsBefore;
    assertThat(bigStillRunning).as("the long call outlasted the small requests' arrival").isTrue();
    // The long call, then the 8 queued requests together (one more if an epoch ended among them);
    // one call per request would be 9.
    assertThat(calls).isBetween(2.0, 3.0);
  }

  private static CompletableFuture<HttpResponse<String>> post(List<String> texts) {
    ObjectNode body = JSON.createObjectNode().put("model", "all-minilm-l6-v2");
    ArrayNode input = body.putArray("input");
    texts.forEach(input::add);
    return HTTP.sendAsync(
        HttpRequest.newBuilder(base.resolve("/v1/embeddings"))
            .timeout(Duration.ofSeconds(120))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** One unlabelled value of the service's Prometheus metrics. */
  private static double metric(String name) throws IOException, InterruptedException {
    String text =
        HTTP.send(
                HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("No metric " + name + " in:\n" + text);
  }

  private static float[] floats(JsonNode array) {
    float[] v = new float[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) array.get(i).asDouble();
    }
    return v;
  }
}
