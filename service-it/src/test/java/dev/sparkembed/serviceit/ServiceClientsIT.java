package dev.sparkembed.serviceit;

import static dev.sparkembed.serviceit.ReferenceEmbeddings.MIN_COSINE;
import static dev.sparkembed.serviceit.ReferenceEmbeddings.cosine;
import static dev.sparkembed.serviceit.ReferenceEmbeddings.floats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.github.ollama4j.Ollama;
import io.github.ollama4j.exceptions.OllamaException;
import io.github.ollama4j.models.embed.OllamaEmbedRequestBuilder;
import io.github.ollama4j.models.embed.OllamaEmbedResult;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code spark-embed serve} with its defaults (plain HTTP, no key), called by the official OpenAI
 * Java SDK, by ollama4j and by plain HTTP, over real sockets; every vector is compared with the
 * independent reference embeddings.
 */
class ServiceClientsIT {
  private static final int BODY_LIMIT = 65_536;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<ReferenceEmbeddings.Sentence> REFERENCE = ReferenceEmbeddings.load();

  private static ServiceProcess service;
  private static Http http;
  private static OpenAIClient openAi;

  @BeforeAll
  static void startService() {
    service =
        ServiceProcess.start(
            "ServiceClientsIT",
            HTTP,
            false,
            "--max-body-bytes",
            Integer.toString(BODY_LIMIT),
            "--max-texts-per-request",
            "64");
    http = new Http(HTTP, service);
    openAi =
        OpenAIOkHttpClient.builder()
            .baseUrl(service.baseUrl() + "/v1")
            .apiKey("not-needed")
            .maxRetries(0)
            .timeout(Duration.ofSeconds(60))
            .build();
  }

  @AfterAll
  static void stopService() {
    if (openAi != null) {
      openAi.close();
    }
    if (service != null) {
      service.close();
    }
  }

  private static List<String> referenceTexts() {
    return REFERENCE.stream().map(ReferenceEmbeddings.Sentence::text).toList();
  }

  @Test
  void openAiSdkGetsTheReferenceVectorsAsFloats() {
    CreateEmbeddingResponse response =
        openAi
            .embeddings()
            .create(
                EmbeddingCreateParams.builder()
                    .input(EmbeddingCreateParams.Input.ofArrayOfStrings(referenceTexts()))
                    .model("all-MiniLM-L6-v2")
                    .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                    .user("service-it")
                    .build());
    assertThat(response.data()).hasSize(REFERENCE.size());
    int expectedTokens = 0;
    for (int i = 0; i < REFERENCE.size(); i++) {
      assertThat(response.data().get(i).index()).isEqualTo(i);
      float[] got = floats(response.data().get(i).embeddingValue().asFloats());
      assertThat(cosine(got, REFERENCE.get(i).embedding()))
          .as("text %d: %s", i, REFERENCE.get(i).text())
          .isGreaterThanOrEqualTo(MIN_COSINE);
      expectedTokens += REFERENCE.get(i).tokens();
    }
    assertThat(response.model()).isNotBlank();
    assertThat(response.usage().promptTokens()).isEqualTo(expectedTokens);
    assertThat(response.usage().totalTokens()).isEqualTo(expectedTokens);
  }

  @Test
  void openAiSdkGetsLittleEndianFloat32AsBase64() {
    CreateEmbeddingResponse response =
        openAi
            .embeddings()
            .create(
                EmbeddingCreateParams.builder()
                    .input(REFERENCE.get(3).text())
                    .model("text-embedding-3-small")
                    .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64)
                    .build());
    byte[] raw = Base64.getDecoder().decode(response.data().get(0).embeddingValue().asBase64());
    assertThat(raw).hasSize(384 * 4);
    float[] got = new float[384];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(got);
    assertThat(cosine(got, REFERENCE.get(3).embedding())).isGreaterThanOrEqualTo(MIN_COSINE);
  }

  @Test
  void openAiSdkSeesErrorsInOpenAisEnvelope() {
    assertThatThrownBy(
            () ->
                openAi
                    .embeddings()
                    .create(
                        EmbeddingCreateParams.builder()
                            .input("hello")
                            .model("m")
                            .dimensions(256)
                            .build()))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.param()).contains("dimensions");
              assertThat(e.getMessage()).contains("384");
            });
    assertThatThrownBy(
            () ->
                openAi
                    .embeddings()
                    .create(
                        EmbeddingCreateParams.builder()
                            .input(
                                EmbeddingCreateParams.Input.ofArrayOfTokens(List.of(101L, 7592L)))
                            .model("m")
                            .build()))
        .isInstanceOfSatisfying(
            BadRequestException.class, e -> assertThat(e.getMessage()).contains("token ids"));
  }

  @Test
  void ollama4jEmbedsListsAndPings() throws OllamaException {
    Ollama ollama = new Ollama(service.baseUrl());
    ollama.setRequestTimeoutSeconds(60);
    assertThat(ollama.ping()).isTrue();
    assertThat(ollama.getVersion()).isNotBlank();
    assertThat(ollama.listModels()).hasSize(1);

    List<String> texts = referenceTexts().subList(0, 5);
    OllamaEmbedResult result =
        ollama.embed(
            OllamaEmbedRequestBuilder.getInstance("all-minilm", texts.toArray(String[]::new))
                .build());
    assertThat(result.getEmbeddings()).hasSize(5);
    for (int i = 0; i < 5; i++) {
      assertThat(cosine(floats(result.getEmbeddings().get(i)), REFERENCE.get(i).embedding()))
          .isGreaterThanOrEqualTo(MIN_COSINE);
    }
    assertThat(result.getModel()).isEqualTo("all-minilm");
    assertThat(result.getPromptEvalCount())
        .isEqualTo(
            REFERENCE.subList(0, 5).stream().mapToInt(ReferenceEmbeddings.Sentence::tokens).sum());
    assertThat(result.getTotalDuration()).isPositive();
  }

  @Test
  void ollamaTruncateFalseRefusesATooLongText() {
    String longText = "word ".repeat(400);
    Http.Reply refused =
        http.post(
            "/api/embed", "{\"model\":\"m\",\"input\":\"" + longText + "\",\"truncate\":false}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("error").asText())
        .startsWith("the input length exceeds the context length");
    Http.Reply cut = http.post("/api/embed", "{\"model\":\"m\",\"input\":\"" + longText + "\"}");
    assertThat(cut.status()).isEqualTo(200);
    assertThat(cut.json().get("embeddings")).hasSize(1);
  }

  @Test
  void ollamasOlderEndpointAndAzurePathAndSqlServerBodies() {
    ReferenceEmbeddings.Sentence s = REFERENCE.get(7);
    Http.Reply legacy =
        http.post(
            "/api/embeddings", "{\"model\":\"all-minilm\",\"prompt\":" + quote(s.text()) + "}");
    assertThat(legacy.status()).isEqualTo(200);
    assertThat(cosine(floats(legacy.json().get("embedding")), s.embedding()))
        .isGreaterThanOrEqualTo(MIN_COSINE);

    Http.Reply azure =
        http.post(
            "/openai/deployments/minilm/embeddings?api-version=2024-02-01",
            "{\"input\":[" + quote(s.text()) + "]}");
    assertThat(azure.status()).isEqualTo(200);
    assertThat(cosine(floats(azure.json().at("/data/0/embedding")), s.embedding()))
        .isGreaterThanOrEqualTo(MIN_COSINE);

    // What SQL Server 2025 sends for an EXTERNAL MODEL: its PARAMETERS merged into the body.
    Http.Reply sqlServer =
        http.post(
            "/v1/embeddings",
            "{\"input\":"
                + quote(s.text())
                + ",\"model\":\"all-MiniLM-L6-v2\",\"sql_rest_options\":{\"retry_count\":2},"
                + "\"dimensions\":384}");
    assertThat(sqlServer.status()).isEqualTo(200);
    assertThat(cosine(floats(sqlServer.json().at("/data/0/embedding")), s.embedding()))
        .isGreaterThanOrEqualTo(MIN_COSINE);
    Http.Reply sqlServerOllama =
        http.post(
            "/api/embed",
            "{\"model\":\"all-minilm\",\"input\":"
                + quote(s.text())
                + ",\"sql_rest_options\":{\"retry_count\":2}}");
    assertThat(sqlServerOllama.status()).isEqualTo(200);
    assertThat(cosine(floats(sqlServerOllama.json().at("/embeddings/0")), s.embedding()))
        .isGreaterThanOrEqualTo(MIN_COSINE);
  }

  @Test
  void batchEndpointEchoesIdsInOrder() {
    ArrayNode rows = Http.JSON.createArrayNode();
    for (int i = 0; i < 10; i++) {
      ObjectNode row = rows.addObject();
      if (i % 2 == 0) {
        row.put("id", 1000 + i);
      } else {
        row.put("id", "doc-" + i);
      }
      row.put("text", REFERENCE.get(i).text());
    }
    Http.Reply reply = http.post("/v1/embed/batch", rows.toString());
    assertThat(reply.status()).isEqualTo(200);
    JsonNode answer = reply.json();
    assertThat(answer).hasSize(10);
    for (int i = 0; i < 10; i++) {
      assertThat(answer.get(i).get("id")).isEqualTo(rows.get(i).get("id"));
      assertThat(cosine(floats(answer.get(i).get("embedding")), REFERENCE.get(i).embedding()))
          .isGreaterThanOrEqualTo(MIN_COSINE);
    }
  }

  @Test
  void limitsAndBadRequestsGetClearErrors() {
    Http.Reply tooBig =
        http.post(
            "/v1/embed/batch", "[{\"id\":1,\"text\":\"" + "x".repeat(BODY_LIMIT + 10) + "\"}]");
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.body()).contains(Integer.toString(BODY_LIMIT));

    StringBuilder many = new StringBuilder("{\"input\":[");
    for (int i = 0; i < 65; i++) {
      many.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
    }
    Http.Reply tooMany = http.post("/v1/embeddings", many.append("]}").toString());
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().at("/error/message").asText())
        .contains("65")
        .contains("--max-texts-per-request");

    Http.Reply malformed = http.post("/v1/embeddings", "{\"input\":");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().at("/error/message").asText())
        .startsWith("Request body is not valid JSON");

    assertThat(http.post("/v1/nothing-here", "{}").status()).isEqualTo(404);
    assertThat(http.get("/v1/embeddings").status()).isEqualTo(405);
  }

  @Test
  void infoEndpointsAnswerWithoutABatch() {
    assertThat(http.get("/healthz").status()).isEqualTo(200);
    assertThat(http.get("/readyz").status()).isEqualTo(200);
    JsonNode models = http.get("/v1/models").json();
    assertThat(models.get("object").asText()).isEqualTo("list");
    assertThat(models.at("/data/0/object").asText()).isEqualTo("model");
    assertThat(http.get("/api/tags").json().get("models")).hasSize(1);
    assertThat(http.get("/api/version").json().get("version").asText()).isNotBlank();

    http.post("/v1/embeddings", "{\"input\":\"counted\"}");
    Http.Reply metrics = http.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.contentType()).startsWith("text/plain");
    assertThat(metrics.body())
        .contains("spark_embed_requests_total{endpoint=\"/v1/embeddings\",status=\"200\"}")
        .contains("spark_embed_request_duration_seconds_bucket{endpoint=\"/v1/embeddings\"")
        .contains("spark_embed_batch_texts_bucket")
        .contains("spark_embed_queue_depth")
        .contains("spark_embed_texts_total")
        .contains("spark_embed_tokens_total");
  }

  @Test
  void concurrentClientsEachGetTheirOwnVectorsInTheirOwnOrder() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Callable<Void>> calls = new ArrayList<>();
      for (int c = 0; c < 16; c++) {
        int client = c;
        calls.add(
            () -> {
              for (int round = 0; round < 4; round++) {
                // Each client asks for a different rotation of the reference texts.
                List<Integer> order = new ArrayList<>();
                for (int k = 0; k < 3; k++) {
                  order.add((client * 3 + round + k * 7) % REFERENCE.size());
                }
                ArrayNode input = Http.JSON.createArrayNode();
                order.forEach(i -> input.add(REFERENCE.get(i).text()));
                Http.Reply r = http.post("/v1/embeddings", "{\"input\":" + input + "}");
                assertThat(r.status()).isEqualTo(200);
                JsonNode data = r.json().get("data");
                assertThat(data).hasSize(order.size());
                for (int k = 0; k < order.size(); k++) {
                  assertThat(
                          cosine(
                              floats(data.get(k).get("embedding")),
                              REFERENCE.get(order.get(k)).embedding()))
                      .isGreaterThanOrEqualTo(MIN_COSINE);
                }
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
  }

  private static String quote(String s) {
    return Http.JSON.getNodeFactory().textNode(s).toString();
  }
}
