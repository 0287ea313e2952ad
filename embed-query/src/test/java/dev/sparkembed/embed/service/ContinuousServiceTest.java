package dev.sparkembed.embed.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkembed.embed.engine.ReferenceVectors;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
  private static final int SMALL_REQUESTS = 8;

  private static LocalService service;

  @BeforeAll
  static void start() throws IOException {
    service = LocalService.start("ContinuousServiceTest", true);
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void queuedRequestsShareOneModelCallAndEachGetsItsOwnVectors() throws Exception {
    // The reader's task may start after the server: until one reply came back, requests wait.
    assertThat(post(List.of(REF.texts.get(0))).get().statusCode()).isEqualTo(200);
    double callsBefore = service.metric("spark_embed_model_call_seconds_count");
    // A long call keeps the one reader busy while the small requests queue up behind it.
    List<String> longTexts = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      longTexts.add(
          ("text " + i + " " + "the quick brown fox jumps over the lazy dog ").repeat(20));
    }
    CompletableFuture<HttpResponse<String>> big = post(longTexts);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> service.metric("spark_embed_queue_depth") == 1 && !big.isDone());

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
        .until(() -> service.metric("spark_embed_queue_depth") == 1 + SMALL_REQUESTS);
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
        float[] vector = LocalService.floats(data.get(k).get("embedding"));
        float[] expected = REF.vectors.get(asked.get(r).get(k));
        assertThat(ReferenceVectors.cosine(vector, expected))
            .as("request %d, text %d", r, k)
            .isGreaterThanOrEqualTo(0.9999);
      }
    }
    double calls = service.metric("spark_embed_model_call_seconds_count") - callsBefore;
    assertThat(bigStillRunning).as("the long call outlasted the small requests' arrival").isTrue();
    // The long call, then the 8 queued requests together (one more if an epoch ended among them);
    // one call per request would be 9.
    assertThat(calls).isBetween(2.0, 3.0);
  }

  private static CompletableFuture<HttpResponse<String>> post(List<String> texts) {
    ObjectNode body = JSON.createObjectNode().put("model", "all-minilm-l6-v2");
    ArrayNode input = body.putArray("input");
    texts.forEach(input::add);
    return service.postEmbeddings(body.toString());
  }
}
