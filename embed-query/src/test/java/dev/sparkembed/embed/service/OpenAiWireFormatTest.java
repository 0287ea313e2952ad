package dev.sparkembed.embed.service;

import static dev.sparkembed.embed.service.WireFormatTestSupport.floats;
import static dev.sparkembed.embed.service.WireFormatTestSupport.json;
import static dev.sparkembed.embed.service.WireFormatTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiWireFormatTest {
  private static final ModelInfo MODEL = WordCountEmbedder.MODEL;
  private static final ServiceLimits LIMITS = new ServiceLimits(3, 20, 2048);
  private final ApiWireFormat format = ApiFormat.OPENAI.wireFormat();

  private EmbedRequest parse(String body) {
    return format.parse(ApiFormat.OPENAI, utf8(body), MODEL, LIMITS);
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
  void readsAStringOrAnArrayOfStrings() {
    assertThat(parse("{\"input\":\"hello\",\"model\":\"m\"}").texts()).containsExactly("hello");
    EmbedRequest r = parse("{\"input\":[\"a\",\"b b\"],\"model\":\"text-embedding-3-small\"}");
    assertThat(r.texts()).containsExactly("a", "b b");
    assertThat(r.requestedModel()).isEqualTo("text-embedding-3-small");
    assertThat(r.encoding()).isEqualTo(EncodingFormat.FLOAT);
  }

  @Test
  void ignoresUnknownFieldsSuchAsSqlServerParameters() {
    EmbedRequest r =
        parse(
            "{\"input\":\"x\",\"model\":\"m\",\"user\":\"u1\","
                + "\"sql_rest_options\":{\"retry_count\":2},\"extra\":[1,2]}");
    assertThat(r.texts()).containsExactly("x");
  }

  @Test
  void refusesTokenArraysSayingSo() {
    for (String input : List.of("[1,2,3]", "[[1,2],[3]]")) {
      ApiException e = refused("{\"input\":" + input + "}");
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.param()).isEqualTo("input");
      assertThat(e.getMessage()).contains("token ids").contains("string");
    }
  }

  @Test
  void refusesBadInputsWithTheFieldAndTheValue() {
    assertThat(refused("{\"model\":\"m\"}").getMessage())
        .isEqualTo("Missing required field 'input'");
    assertThat(refused("{\"input\":5}").getMessage())
        .isEqualTo("Field 'input' must be a string or an array of strings, got the number 5");
    assertThat(refused("{\"input\":[\"a\",true]}").getMessage())
        .contains("'input[1]'")
        .contains("boolean true");
    assertThat(refused("{\"input\":[]}").getMessage()).contains("empty array");
    assertThat(refused("[\"a\"]").getMessage())
        .isEqualTo("Request body must be a JSON object, got an array");
    assertThat(refused("{\"input\":").getMessage()).startsWith("Request body is not valid JSON");
    assertThat(refused("").getMessage()).contains("empty");
    assertThat(refused("{\"input\":\"a\",\"model\":7}").param()).isEqualTo("model");
  }

  @Test
  void enforcesTheLimitsNamingTheOption() {
    ApiException many = refused("{\"input\":[\"a\",\"b\",\"c\",\"d\"]}");
    assertThat(many.getMessage())
        .isEqualTo(
            "Too many texts in 'input': 4 (limit 3 per request, option --max-texts-per-request)");
    ApiException longText = refused("{\"input\":[\"ok\",\"" + "x".repeat(21) + "\"]}");
    assertThat(longText.getMessage())
        .isEqualTo("Text 1 in 'input' has 21 characters (limit 20, option --max-chars-per-text)");
    ApiException big = refused("{\"input\":\"" + " ".repeat(3000) + "\"}");
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.getMessage()).contains("limit of 2048 bytes").contains("--max-body-bytes");
  }

  @Test
  void acceptsOnlyTheModelsDimension() {
    assertThat(parse("{\"input\":\"a\",\"dimensions\":4}").texts()).hasSize(1);
    ApiException e = refused("{\"input\":\"a\",\"dimensions\":256}");
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.param()).isEqualTo("dimensions");
    assertThat(e.getMessage())
        .isEqualTo(
            "Field 'dimensions' is 256 but model 'tiny-test-model' gives 4 dimensions (omit"
                + " 'dimensions' or send 4)");
    assertThat(refused("{\"input\":\"a\",\"dimensions\":\"4\"}").getMessage())
        .contains("must be an integer");
  }

  @Test
  void encodingFormatIsFloatOrBase64() {
    assertThat(parse("{\"input\":\"a\",\"encoding_format\":\"base64\"}").encoding())
        .isEqualTo(EncodingFormat.BASE64);
    assertThat(refused("{\"input\":\"a\",\"encoding_format\":\"int8\"}").getMessage())
        .isEqualTo("Field 'encoding_format' must be 'float' or 'base64', got 'int8'");
  }

  @Test
  void answersInOpenAisShape() {
    EmbedRequest r = parse("{\"input\":[\"one\",\"two words\"]}");
    Embeddings e = new WordCountEmbedder().embed(r.texts());
    JsonNode answer = json(format.encode(r, e, MODEL, new ApiWireFormat.Timing(1, 0)));
    assertThat(answer.get("object").asText()).isEqualTo("list");
    assertThat(answer.get("model").asText()).isEqualTo("tiny-test-model");
    assertThat(answer.get("data")).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonNode d = answer.get("data").get(i);
      assertThat(d.get("object").asText()).isEqualTo("embedding");
      assertThat(d.get("index").asInt()).isEqualTo(i);
      assertThat(floats(d.get("embedding"))).containsExactly(e.vectors()[i]);
    }
    assertThat(answer.at("/usage/prompt_tokens").asInt()).isEqualTo(3 + 4);
    assertThat(answer.at("/usage/total_tokens").asInt()).isEqualTo(7);
  }

  @Test
  void base64IsLittleEndianFloat32() {
    EmbedRequest r = parse("{\"input\":\"abc\",\"encoding_format\":\"base64\"}");
    Embeddings e = new WordCountEmbedder().embed(r.texts());
    JsonNode answer = json(format.encode(r, e, MODEL, new ApiWireFormat.Timing(1, 0)));
    byte[] raw = Base64.getDecoder().decode(answer.at("/data/0/embedding").asText());
    assertThat(raw).hasSize(4 * MODEL.dimension());
    ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    float[] decoded = new float[MODEL.dimension()];
    buf.asFloatBuffer().get(decoded);
    assertThat(decoded).containsExactly(WordCountEmbedder.vectorOf("abc"));
  }

  @Test
  void errorsUseOpenAisEnvelope() {
    JsonNode err = json(format.encodeError(refused("{\"input\":[1]}")));
    assertThat(err.at("/error/message").asText()).contains("token ids");
    assertThat(err.at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(err.at("/error/param").asText()).isEqualTo("input");
    assertThat(err.at("/error/code").asText()).isEqualTo("token_input_unsupported");
    JsonNode unauthorized = json(format.encodeError(ApiErrors.unauthorized()));
    assertThat(unauthorized.at("/error/code").asText()).isEqualTo("invalid_api_key");
    assertThat(unauthorized.at("/error/param").isNull()).isTrue();
  }

  @Test
  void azurePathsUseTheSameFormat() {
    assertThat(ApiFormat.forPath("/openai/deployments/my-dep/embeddings"))
        .isEqualTo(ApiFormat.AZURE_OPENAI);
    assertThat(ApiFormat.forPath("/openai/deployments/a/b/embeddings")).isNull();
    assertThat(ApiFormat.forPath("/openai/deployments//embeddings")).isNull();
    assertThat(ApiFormat.AZURE_OPENAI.wireFormat()).isInstanceOf(OpenAiWireFormat.class);
    assertThatThrownBy(() -> parse("{}")).isInstanceOf(ApiException.class);
  }

  @Test
  void trailingBytesAfterTheJsonBodyAre400() {
    ApiException e = refused("{\"input\":\"hi\"} xyz");
    assertThat(e.status()).isEqualTo(400);
    assertThat(refused("{\"input\":\"hi\"}{\"input\":\"again\"}").status()).isEqualTo(400);
    assertThat(parse("{\"input\":\"hi\"}  \n").texts()).containsExactly("hi");
  }
}
