package dev.sparkembed.embed.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkembed.embed.engine.EmbeddingWorkPool;
import dev.sparkembed.embed.engine.ReferenceVectors;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
  private static final int CLIENTS = 12;
  private static final int TEXTS = 40;

  private static LocalService service;

  @BeforeAll
  static void start() throws IOException {
    service = LocalService.start("MicroBatchWorkPoolServiceTest", false);
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
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
      replies.add(service.postEmbeddings(body.toString()));
      if (c == CLIENTS / 2) {
        // A bad request in the same batches: only it is refused.
        replies.add(
            service.postEmbeddings("{\"model\":\"all-minilm-l6-v2\",\"input\":[\"a\",null]}"));
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
        assertThat(
                ReferenceVectors.cosine(
                    LocalService.floats(data.get(k).get("embedding")), expected))
            .as("request %d, text %d", c, k)
            .isGreaterThanOrEqualTo(0.9999);
      }
    }
    // Requests of 40 texts exceed one chunk: the pool's workers embedded them.
    assertThat(EmbeddingWorkPool.busyNanos()).isGreaterThan(poolBusyBefore);
  }
}
