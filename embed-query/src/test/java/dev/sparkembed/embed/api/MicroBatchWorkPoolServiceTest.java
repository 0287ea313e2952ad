package dev.sparkembed.embed.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkembed.embed.engine.DeviceChoice;
import dev.sparkembed.embed.engine.EmbeddingWorkPool;
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
 * The service on the micro-batch trigger ({@code local[2]}, head mode, the real model, real HTTP)
 * with the executor's work pool: many concurrent requests of many texts, whose partitions' calls
 * are cut into chunks and interleaved on the shared workers, each get exactly their own vectors in
 * their own order, and a bad request among them costs the others nothing.
 */
class MicroBatchWorkPoolServiceTest {
  private static final ReferenceVectors REF = ReferenceVectors.load();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final int CLIENTS = 12;
  private static final int TEXTS = 40;

  private static SparkSession spark;
  private static EmbeddingService service;
  private static URI base;

  @BeforeAll
  static void start() throws IOException {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("MicroBatchWorkPoolServiceTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.streaming.pollingDelay", "1ms")
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
            false,
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
  void concurrentLargeRequestsEachGetTheirOwnVectorsInTheirOwnOrder() throws Exception {
    long poolBusyBefore = EmbeddingWorkPool.busyNanos();
    List<List<Integer>> asked = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      List<Integer> mine = new ArrayList<>();
      for (int k = 0; k < TEXTS; k++) {
        mine.add((k * (2 * c + 3) + c) % REF.texts.size());
      }
      asked.add(mine);
      ObjectNode body = JSON.createObjectNode().put("model", "all-minilm-l6-v2");
      ArrayNode input = body.putArray("input");
      mine.forEach(i -> input.add(REF.texts.get(i)));
      replies.add(post(body.toString()));
      if (c == CLIENTS / 2) {
        // A bad request in the same batches: only it is refused.
        replies.add(post("{\"model\":\"all-minilm-l6-v2\",\"input\":[\"a\",null]}"));
        asked.add(null);
      }
    }
    for (int c = 0; c < replies.size(); c++) {
      HttpResponse<String> reply = replies.get(c).get();
      if (asked.get(c) == null) {
        assertThat(reply.statusCode()).isEqualTo(400);
        continue;
      }
      assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
      JsonNode data = JSON.readTree(reply.body()).get("data");
      assertThat(data).hasSize(TEXTS);
      for (int k = 0; k < TEXTS; k++) {
        assertThat(data.get(k).get("index").asInt()).isEqualTo(k);
        float[] expected = REF.vectors.get(asked.get(c).get(k));
        assertThat(ReferenceVectors.cosine(floats(data.get(k).get("embedding")), expected))
            .as("request %d, text %d", c, k)
            .isGreaterThanOrEqualTo(0.9999);
      }
    }
    // Requests of 40 texts exceed one chunk: the pool's workers embedded them.
    assertThat(EmbeddingWorkPool.busyNanos()).isGreaterThan(poolBusyBefore);
  }

  private static CompletableFuture<HttpResponse<String>> post(String body) {
    return HTTP.sendAsync(
        HttpRequest.newBuilder(base.resolve("/v1/embeddings"))
            .timeout(Duration.ofSeconds(120))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static float[] floats(JsonNode array) {
    float[] v = new float[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) array.get(i).asDouble();
    }
    return v;
  }
}
