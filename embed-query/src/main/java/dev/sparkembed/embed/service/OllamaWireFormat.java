package dev.sparkembed.embed.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Ollama's {@code /api/embed}: {@code input} a string or an array of strings, {@code truncate}
 * (default true), {@code model}; answers {@code model}, {@code embeddings}, {@code total_duration},
 * {@code load_duration}, {@code prompt_eval_count}. As in Ollama, a missing or empty {@code input}
 * answers no embeddings, and errors are {@code {"error": "..."}}. Runs on executors.
 */
final class OllamaWireFormat implements ApiWireFormat {

  @Override
  public EmbedRequest parse(ApiFormat format, byte[] body, ModelInfo model, ServiceLimits limits) {
    TextInputs.checkBodySize(body, limits);
    JsonNode root = TextInputs.requireObject(body);
    JsonNode input = root.get("input");
    List<String> texts;
    if (input == null || input.isNull() || (input.isTextual() && input.textValue().isEmpty())) {
      texts = List.of();
    } else {
      texts = TextInputs.read(input, "input", limits);
    }
    String requestedModel = TextInputs.optionalString(root, "model");
    TextInputs.checkDimensions(root.get("dimensions"), model);
    return new EmbedRequest(
        format, texts, null, EncodingFormat.FLOAT, truncate(root.get("truncate")), requestedModel);
  }

  private static boolean truncate(JsonNode node) {
    if (node == null || node.isNull()) {
      return true;
    }
    if (!node.isBoolean()) {
      throw ApiErrors.wrongType("truncate", "a boolean", ServiceJson.describe(node));
    }
    return node.booleanValue();
  }

  @Override
  public byte[] encode(EmbedRequest request, Embeddings embeddings, ModelInfo model, Timing t) {
    return ServiceJson.write(
        ServiceJson.sizeHint(embeddings.size(), model.dimension()),
        gen -> {
          gen.writeStartObject();
          gen.writeStringField("model", answeredModel(request, model));
          gen.writeArrayFieldStart("embeddings");
          for (float[] vector : embeddings.vectors()) {
            ServiceJson.writeVector(gen, vector);
          }
          gen.writeEndArray();
          gen.writeNumberField("total_duration", t.totalNanos());
          gen.writeNumberField("load_duration", t.loadNanos());
          gen.writeNumberField("prompt_eval_count", embeddings.totalTokens());
          gen.writeEndObject();
        });
  }

  /** Ollama answers with the model name the client asked for. */
  static String answeredModel(EmbedRequest request, ModelInfo model) {
    return request.requestedModel() == null || request.requestedModel().isEmpty()
        ? model.name()
        : request.requestedModel();
  }

  @Override
  public byte[] encodeError(ApiException error) {
    return ollamaError(error.getMessage());
  }

  /** {@code {"error": "..."}}: Ollama's error shape. */
  static byte[] ollamaError(String message) {
    return ServiceJson.write(
        128,
        gen -> {
          gen.writeStartObject();
          gen.writeStringField("error", message);
          gen.writeEndObject();
        });
  }
}
