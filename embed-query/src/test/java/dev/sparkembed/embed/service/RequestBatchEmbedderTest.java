package dev.sparkembed.embed.service;

import static dev.sparkembed.embed.service.WireFormatTestSupport.floats;
import static dev.sparkembed.embed.service.WireFormatTestSupport.json;
import static dev.sparkembed.embed.service.WireFormatTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestBatchEmbedderTest {
  private final WordCountEmbedder model = new WordCountEmbedder();
  private final ServiceMetrics metrics = new ServiceMetrics();
  private final RequestBatchEmbedder open =
      new RequestBatchEmbedder(model, ServiceLimits.defaults(), ApiKeyCheck.of(null), metrics);

  @Test
  void embedsEveryRequestOfTheBatchInOneCallAndGivesEachItsOwnVectors() {
    List<ServiceRequest> batch =
        List.of(
            post("/v1/embeddings", "{\"input\":[\"r0 a\",\"r0 b\"]}"),
            post("/api/embed", "{\"model\":\"x\",\"input\":\"r1 only\"}"),
            post(
                "/v1/embed/batch", "[{\"id\":10,\"text\":\"r2 x\"},{\"id\":11,\"text\":\"r2 y\"}]"),
            post("/api/embeddings", "{\"prompt\":\"r3 legacy\"}"),
            post("/openai/deployments/dep/embeddings", "{\"input\":\"r4 azure\"}"));
    List<ServiceReply> replies = open.answer(batch, 0);

    assertThat(model.calls).hasSize(1);
    assertThat(model.calls.get(0))
        .containsExactly("r0 a", "r0 b", "r1 only", "r2 x", "r2 y", "r3 legacy", "r4 azure");
    assertThat(replies).extracting(ServiceReply::status).containsOnly(200);

    JsonNode r0 = json(replies.get(0).body());
    assertThat(floats(r0.at("/data/1/embedding")))
        .containsExactly(WordCountEmbedder.vectorOf("r0 b"));
    JsonNode r1 = json(replies.get(1).body());
    assertThat(r1.get("embeddings")).hasSize(1);
    assertThat(floats(r1.at("/embeddings/0")))
        .containsExactly(WordCountEmbedder.vectorOf("r1 only"));
    JsonNode r2 = json(replies.get(2).body());
    assertThat(r2.get(1).get("id").asInt()).isEqualTo(11);
    assertThat(floats(r2.get(1).get("embedding")))
        .containsExactly(WordCountEmbedder.vectorOf("r2 y"));
    JsonNode r3 = json(replies.get(3).body());
    assertThat(floats(r3.get("embedding")))
        .containsExactly(WordCountEmbedder.vectorOf("r3 legacy"));
    JsonNode r4 = json(replies.get(4).body());
    assertThat(floats(r4.at("/data/0/embedding")))
        .containsExactly(WordCountEmbedder.vectorOf("r4 azure"));

    assertThat(replies.get(0).texts()).isEqualTo(2);
    assertThat(replies.get(0).tokens()).isEqualTo(8);
    assertThat(metrics.textsEmbedded()).isEqualTo(7);
    assertThat(metrics.render()).contains("spark_embed_batch_texts_bucket{le=\"8\"} 1");
  }

  @Test
  void aBadRequestGetsItsOwnErrorAndCostsTheOthersNothing() {
    List<ServiceReply> replies =
        open.answer(
            List.of(
                post("/v1/embeddings", "{\"input\":[1,2]}"),
                post("/v1/embeddings", "{\"input\":\"fine\"}"),
                post("/api/embed", "{\"input\":\"broken"),
                post("/v2/nothing", "{}")),
            0);
    assertThat(replies).extracting(ServiceReply::status).containsExactly(400, 200, 400, 404);
    assertThat(model.calls).containsExactly(List.of("fine"));
    assertThat(json(replies.get(0).body()).at("/error/message").asText()).contains("token ids");
    assertThat(json(replies.get(2).body()).get("error").asText())
        .startsWith("Request body is not valid JSON");
    assertThat(json(replies.get(3).body()).at("/error/message").asText())
        .isEqualTo("No endpoint POST /v2/nothing");
  }

  @Test
  void truncateFalseRefusesOnlyTheRequestWithATooLongText() {
    String longText = "w ".repeat(20).trim();
    List<ServiceReply> replies =
        open.answer(
            List.of(
                post(
                    "/api/embed",
                    "{\"input\":[\"short\",\"" + longText + "\"],\"truncate\":false}"),
                post("/api/embed", "{\"input\":\"" + longText + "\"}")),
            0);
    assertThat(replies.get(0).status()).isEqualTo(400);
    assertThat(json(replies.get(0).body()).get("error").asText())
        .startsWith("the input length exceeds the context length")
        .contains("input 1")
        .contains("8 tokens");
    assertThat(replies.get(1).status()).isEqualTo(200);
  }

  @Test
  void aModelFailureAnswersEveryParsedRequest500() {
    TextEmbedder failing =
        new TextEmbedder() {
          @Override
          public ModelInfo model() {
            return WordCountEmbedder.MODEL;
          }

          @Override
          public Embeddings embed(List<String> texts) {
            throw new IllegalStateException("GPU fell off the bus");
          }
        };
    RequestBatchEmbedder embedder =
        new RequestBatchEmbedder(failing, ServiceLimits.defaults(), ApiKeyCheck.of(null), metrics);
    List<ServiceReply> replies =
        embedder.answer(
            List.of(
                post("/v1/embeddings", "{\"input\":\"a\"}"),
                post("/api/embed", "{\"input\":\"b\"}"),
                post("/v1/embeddings", "{}")),
            0);
    assertThat(replies).extracting(ServiceReply::status).containsExactly(500, 500, 400);
    assertThat(json(replies.get(0).body()).at("/error/message").asText())
        .isEqualTo("Embedding failed: GPU fell off the bus");
    assertThat(json(replies.get(1).body()).get("error").asText()).contains("GPU fell off the bus");
  }

  @Test
  void withAnApiKeyOnlyRequestsCarryingItAreEmbedded() {
    RequestBatchEmbedder guarded =
        new RequestBatchEmbedder(
            model, ServiceLimits.defaults(), ApiKeyCheck.of("s3cret"), metrics);
    String body = "{\"input\":\"t\"}";
    List<ServiceReply> replies =
        guarded.answer(
            List.of(
                post("/v1/embeddings", body),
                post("/v1/embeddings", body, Map.of("authorization", "Bearer s3cret")),
                post("/openai/deployments/d/embeddings", body, Map.of("Api-Key", "s3cret")),
                post("/v1/embeddings", body, Map.of("Authorization", "Bearer wrong")),
                post("/api/embed", body, Map.of("api-key", "s3cre"))),
            0);
    assertThat(replies).extracting(ServiceReply::status).containsExactly(401, 200, 200, 401, 401);
    assertThat(json(replies.get(0).body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
    assertThat(json(replies.get(4).body()).get("error").asText()).contains("API key");
    assertThat(model.calls).containsExactly(List.of("t", "t"));
  }
}
