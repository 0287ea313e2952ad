package dev.sparkembed.embed.service;

import static dev.sparkembed.embed.service.WireFormatTestSupport.floats;
import static dev.sparkembed.embed.service.WireFormatTestSupport.json;
import static dev.sparkembed.embed.service.WireFormatTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class BatchWireFormatTest {
  private static final ModelInfo MODEL = WordCountEmbedder.MODEL;
  private static final ServiceLimits LIMITS = new ServiceLimits(3, 20, 2048);
  private final ApiWireFormat batch = ApiFormat.BATCH.wireFormat();

  private EmbedRequest parse(String body) {
    return batch.parse(ApiFormat.BATCH, utf8(body), MODEL, LIMITS);
  }

  private ApiException refused(String body) {
    try {
      parse(body);
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("Expected a refusal for " + body);
  }

  @Test
  void echoesIdsOfAnyScalarTypeInOrder() {
    EmbedRequest r = parse("[{\"id\":7,\"text\":\"a\"},{\"id\":\"k-2\",\"text\":\"bb\",\"x\":1}]");
    assertThat(r.texts()).containsExactly("a", "bb");
    Embeddings e = new WordCountEmbedder().embed(r.texts());
    JsonNode answer = json(batch.encode(r, e, MODEL, new ApiWireFormat.Timing(1, 0)));
    assertThat(answer).hasSize(2);
    assertThat(answer.get(0).get("id").isInt()).isTrue();
    assertThat(answer.get(0).get("id").asInt()).isEqualTo(7);
    assertThat(answer.get(1).get("id").asText()).isEqualTo("k-2");
    assertThat(floats(answer.get(1).get("embedding"))).containsExactly(e.vectors()[1]);
  }

  @Test
  void anEmptyBatchAnswersAnEmptyArray() {
    EmbedRequest r = parse("[]");
    JsonNode answer =
        json(
            batch.encode(
                r,
                new Embeddings(new float[0][], new int[0], new boolean[0]),
                MODEL,
                new ApiWireFormat.Timing(1, 0)));
    assertThat(answer.isArray()).isTrue();
    assertThat(answer).isEmpty();
  }

  @Test
  void refusesBadRowsNamingTheRow() {
    assertThat(refused("{\"id\":1}").getMessage()).startsWith("Request body must be a JSON array");
    assertThat(refused("[{\"id\":1,\"text\":\"a\"},{\"text\":\"b\"}]").getMessage())
        .isEqualTo("Row 1 of the batch needs an 'id' (a number or a string), got null");
    assertThat(refused("[{\"id\":1,\"text\":null}]").getMessage())
        .isEqualTo("Row 0 of the batch needs a 'text' string, got null");
    assertThat(refused("[5]").getMessage()).contains("Row 0").contains("the number 5");
    assertThat(
            refused(
                    "[{\"id\":1,\"text\":\"a\"},{\"id\":2,\"text\":\"b\"},"
                        + "{\"id\":3,\"text\":\"c\"},{\"id\":4,\"text\":\"d\"}]")
                .getMessage())
        .contains("Too many texts in 'rows': 4");
    ApiException big = refused("[{\"id\":1,\"text\":\"" + " ".repeat(3000) + "\"}]");
    assertThat(big.status()).isEqualTo(413);
    JsonNode err = json(batch.encodeError(big));
    assertThat(err.at("/error/message").asText()).contains("--max-body-bytes");
  }
}
