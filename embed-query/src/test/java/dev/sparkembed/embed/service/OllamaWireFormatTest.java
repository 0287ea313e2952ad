package dev.sparkembed.embed.service;

import static dev.sparkembed.embed.service.WireFormatTestSupport.floats;
import static dev.sparkembed.embed.service.WireFormatTestSupport.json;
import static dev.sparkembed.embed.service.WireFormatTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class OllamaWireFormatTest {
  private static final ModelInfo MODEL = WordCountEmbedder.MODEL;
  private static final ServiceLimits LIMITS = new ServiceLimits(3, 20, 2048);
  private final ApiWireFormat embed = ApiFormat.OLLAMA_EMBED.wireFormat();
  private final ApiWireFormat legacy = ApiFormat.OLLAMA_EMBEDDINGS.wireFormat();

  private EmbedRequest parse(String body) {
    return embed.parse(ApiFormat.OLLAMA_EMBED, utf8(body), MODEL, LIMITS);
  }

  private ApiException refused(ApiWireFormat f, ApiFormat api, String body) {
    try {
      f.parse(api, utf8(body), MODEL, LIMITS);
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("Expected a refusal for " + body);
  }

  @Test
  void readsInputAndTruncate() {
    EmbedRequest one = parse("{\"model\":\"all-minilm\",\"input\":\"hi\"}");
    assertThat(one.texts()).containsExactly("hi");
    assertThat(one.truncate()).isTrue();
    EmbedRequest many =
        parse(
            "{\"model\":\"all-minilm\",\"input\":[\"a\",\"b\"],\"truncate\":false,"
                + "\"keep_alive\":\"5m\",\"options\":{\"num_ctx\":512}}");
    assertThat(many.texts()).containsExactly("a", "b");
    assertThat(many.truncate()).isFalse();
  }

  @Test
  void missingOrEmptyInputAnswersNoEmbeddingsAsOllamaDoes() {
    assertThat(parse("{\"model\":\"m\"}").texts()).isEmpty();
    assertThat(parse("{\"model\":\"m\",\"input\":\"\"}").texts()).isEmpty();
  }

  @Test
  void refusesBadFieldsInOllamasErrorShape() {
    ApiException e =
        refused(embed, ApiFormat.OLLAMA_EMBED, "{\"input\":\"a\",\"truncate\":\"no\"}");
    assertThat(e.getMessage()).isEqualTo("Field 'truncate' must be a boolean, got a string");
    JsonNode body = json(embed.encodeError(e));
    assertThat(body.get("error").asText()).isEqualTo(e.getMessage());
    assertThat(body.size()).isEqualTo(1);
    assertThat(refused(embed, ApiFormat.OLLAMA_EMBED, "{\"input\":[[1,2]]}").getMessage())
        .contains("token ids");
  }

  @Test
  void answersInOllamasShape() {
    EmbedRequest r = parse("{\"model\":\"all-minilm:latest\",\"input\":[\"a b\",\"c\"]}");
    Embeddings e = new WordCountEmbedder().embed(r.texts());
    JsonNode answer = json(embed.encode(r, e, MODEL, new ApiWireFormat.Timing(5_000_000, 1_000)));
    assertThat(answer.get("model").asText()).isEqualTo("all-minilm:latest");
    assertThat(answer.get("embeddings")).hasSize(2);
    assertThat(floats(answer.get("embeddings").get(1))).containsExactly(e.vectors()[1]);
    assertThat(answer.get("total_duration").asLong()).isEqualTo(5_000_000);
    assertThat(answer.get("load_duration").asLong()).isEqualTo(1_000);
    assertThat(answer.get("prompt_eval_count").asInt()).isEqualTo(4 + 3);
  }

  @Test
  void theLegacyEndpointTakesOnePrompt() {
    EmbedRequest r =
        legacy.parse(
            ApiFormat.OLLAMA_EMBEDDINGS,
            utf8("{\"model\":\"m\",\"prompt\":\"hello there\"}"),
            MODEL,
            LIMITS);
    assertThat(r.texts()).containsExactly("hello there");
    Embeddings e = new WordCountEmbedder().embed(r.texts());
    JsonNode answer = json(legacy.encode(r, e, MODEL, new ApiWireFormat.Timing(1, 0)));
    assertThat(answer.size()).isEqualTo(1);
    assertThat(floats(answer.get("embedding"))).containsExactly(e.vectors()[0]);

    EmbedRequest empty =
        legacy.parse(ApiFormat.OLLAMA_EMBEDDINGS, utf8("{\"model\":\"m\"}"), MODEL, LIMITS);
    assertThat(empty.texts()).isEmpty();
    JsonNode none =
        json(
            legacy.encode(
                empty,
                new Embeddings(new float[0][], new int[0], new boolean[0]),
                MODEL,
                new ApiWireFormat.Timing(1, 0)));
    assertThat(none.get("embedding")).isEmpty();
    assertThat(refused(legacy, ApiFormat.OLLAMA_EMBEDDINGS, "{\"prompt\":[\"a\"]}").getMessage())
        .isEqualTo("Field 'prompt' must be a string, got an array");
  }
}
