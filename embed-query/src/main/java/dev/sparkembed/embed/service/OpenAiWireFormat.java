package dev.sparkembed.embed.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI's {@code /v1/embeddings} (and Azure OpenAI's deployment path, which uses the same body):
 * {@code input} a string or an array of strings, {@code model}, {@code encoding_format} float or
 * base64, {@code dimensions}, {@code user}; unknown fields are ignored (SQL Server merges its
 * {@code PARAMETERS} into the body). Runs on executors.
 */
final class OpenAiWireFormat implements ApiWireFormat {

  @Override
  public EmbedRequest parse(ApiFormat format, byte[] body, ModelInfo model, ServiceLimits limits) {
    TextInputs.checkBodySize(body, limits);
    JsonNode root = TextInputs.requireObject(body);
    JsonNode input = root.get("input");
    if (input == null || input.isNull()) {
      throw ApiErrors.missingField("input");
    }
    List<String> texts = TextInputs.read(input, "input", limits);
    if (texts.isEmpty()) {
      throw ApiErrors.emptyInput("input");
    }
    String requestedModel = TextInputs.optionalString(root, "model");
    TextInputs.optionalString(root, "user");
    TextInputs.checkDimensions(root.get("dimensions"), model);
    return new EmbedRequest(
        format, texts, null, encoding(root.get("encoding_format")), true, requestedModel);
  }

  private static EncodingFormat encoding(JsonNode node) {
    if (node == null || node.isNull()) {
      return EncodingFormat.FLOAT;
    }
    if (!node.isTextual()) {
      throw ApiErrors.wrongType(
          "encoding_format", "'float' or 'base64'", ServiceJson.describe(node));
    }
    switch (node.textValue()) {
      case "float":
        return EncodingFormat.FLOAT;
      case "base64":
        return EncodingFormat.BASE64;
      default:
        throw ApiErrors.encodingFormat(node.textValue());
    }
  }

  @Override
  public byte[] encode(EmbedRequest request, Embeddings embeddings, ModelInfo model, Timing t) {
    long tokens = embeddings.totalTokens();
    return ServiceJson.write(
        ServiceJson.sizeHint(embeddings.size(), model.dimension()),
        gen -> {
          gen.writeStartObject();
          gen.writeStringField("object", "list");
          gen.writeArrayFieldStart("data");
          for (int i = 0; i < embeddings.size(); i++) {
            gen.writeStartObject();
            gen.writeStringField("object", "embedding");
            gen.writeNumberField("index", i);
            gen.writeFieldName("embedding");
            if (request.encoding() == EncodingFormat.BASE64) {
              gen.writeString(base64(embeddings.vectors()[i]));
            } else {
              ServiceJson.writeVector(gen, embeddings.vectors()[i]);
            }
            gen.writeEndObject();
          }
          gen.writeEndArray();
          gen.writeStringField("model", model.name());
          gen.writeObjectFieldStart("usage");
          gen.writeNumberField("prompt_tokens", tokens);
          gen.writeNumberField("total_tokens", tokens);
          gen.writeEndObject();
          gen.writeEndObject();
        });
  }

  /** OpenAI's base64 embedding: the float32 values, little-endian, base64 encoded. */
  static String base64(float[] vector) {
    ByteBuffer buf =
        ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(vector);
    return Base64.getEncoder().encodeToString(buf.array());
  }

  @Override
  public byte[] encodeError(ApiException error) {
    return openAiError(error);
  }

  /** {@code {"error":{"message","type","param","code"}}}: OpenAI's envelope. */
  static byte[] openAiError(ApiException error) {
    return ServiceJson.write(
        256,
        gen -> {
          gen.writeStartObject();
          gen.writeObjectFieldStart("error");
          gen.writeStringField("message", error.getMessage());
          gen.writeStringField("type", error.type());
          gen.writeStringField("param", error.param());
          gen.writeStringField("code", error.code());
          gen.writeEndObject();
          gen.writeEndObject();
        });
  }
}
