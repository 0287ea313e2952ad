package dev.sparkembed.serviceit;

import static dev.sparkembed.serviceit.ReferenceEmbeddings.MIN_COSINE;
import static dev.sparkembed.serviceit.ReferenceEmbeddings.cosine;
import static dev.sparkembed.serviceit.ReferenceEmbeddings.floats;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --mode distributed --trigger continuous}: a server in the executor and partition
 * readers that answer each request as it is read. Same answers as the default service.
 */
class ContinuousDistributedIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<ReferenceEmbeddings.Sentence> REFERENCE = ReferenceEmbeddings.load();

  private static ServiceProcess service;
  private static Http http;

  @BeforeAll
  static void startService() {
    service =
        ServiceProcess.start(
            "ContinuousDistributedIT",
            HTTP,
            false,
            "--mode",
            "distributed",
            "--trigger",
            "continuous");
    http = new Http(HTTP, service);
  }

  @AfterAll
  static void stopService() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void openAiSdkGetsTheReferenceVectors() {
    OpenAIClient openAi =
        OpenAIOkHttpClient.builder()
            .baseUrl(service.baseUrl() + "/v1")
            .apiKey("not-needed")
            .maxRetries(0)
            .timeout(Duration.ofSeconds(60))
            .build();
    try {
      List<String> texts = REFERENCE.stream().map(ReferenceEmbeddings.Sentence::text).toList();
      CreateEmbeddingResponse response =
          openAi
              .embeddings()
              .create(
                  EmbeddingCreateParams.builder()
                      .input(EmbeddingCreateParams.Input.ofArrayOfStrings(texts))
                      .model("all-minilm-l6-v2")
                      .build());
      for (int i = 0; i < REFERENCE.size(); i++) {
        assertThat(
                cosine(
                    floats(response.data().get(i).embeddingValue().asFloats()),
                    REFERENCE.get(i).embedding()))
            .isGreaterThanOrEqualTo(MIN_COSINE);
      }
    } finally {
      openAi.close();
    }
  }

  @Test
  void concurrentClientsOfEveryFormatGetTheirOwnVectors() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Void>> calls = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        int client = c;
        calls.add(
            () -> {
              for (int round = 0; round < 3; round++) {
                int i = (client * 3 + round) % REFERENCE.size();
                String text =
                    Http.JSON.getNodeFactory().textNode(REFERENCE.get(i).text()).toString();
                JsonNode vector;
                if (client % 2 == 0) {
                  Http.Reply r = http.post("/api/embed", "{\"input\":[" + text + "]}");
                  assertThat(r.status()).isEqualTo(200);
                  vector = r.json().at("/embeddings/0");
                } else {
                  ArrayNode rows = Http.JSON.createArrayNode();
                  rows.addObject().put("id", i).put("text", REFERENCE.get(i).text());
                  Http.Reply r = http.post("/v1/embed/batch", rows.toString());
                  assertThat(r.status()).isEqualTo(200);
                  assertThat(r.json().get(0).get("id").asInt()).isEqualTo(i);
                  vector = r.json().get(0).get("embedding");
                }
                assertThat(cosine(floats(vector), REFERENCE.get(i).embedding()))
                    .isGreaterThanOrEqualTo(MIN_COSINE);
              }
              return null;
            });
      }
      for (Future<Void> f : pool.invokeAll(calls)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(http.get("/readyz").status()).isEqualTo(200);
    assertThat(http.get("/metrics").body())
        .contains("spark_embed_requests_total{endpoint=\"/api/embed\",status=\"200\"}");
  }
}
