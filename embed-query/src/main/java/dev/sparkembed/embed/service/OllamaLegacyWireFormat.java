package dev.sparkembed.embed.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Ollama's older {@code /api/embeddings}: one {@code prompt} in, one {@code embedding} out; an
 * empty or missing prompt answers an empty embedding, as Ollama does. Runs on executors.
 */
final class OllamaLegacyWireFormat implements ApiWireFormat {

  @Override
  public EmbedRequest parse(ApiFormat format, byte[] body, ModelInfo model, ServiceLimits limits) {
    TextInputs.checkBodySize(body, limits);
    JsonNode root = TextInputs.requireObject(body);
    String prompt = TextInputs.optionalString(root, "prompt");
    String requestedModel = TextInputs.optionalString(root, "model");
    List<String> texts;
    if (prompt == null || prompt.isEmpty()) {
      texts = List.of();
    } else {
      TextInputs.checkLength("prompt", 0, prompt, limits);
      texts = List.of(prompt);
    }
    return new EmbedRequest(format, texts, null, EncodingFormat.FLOAT, true, requestedModel);
  }

  @Override
  public byte[] encode(EmbedRequest request, Embeddings embeddings, ModelInfo model, Timing t) {
    return ServiceJson.write(
        ServiceJson.sizeHint(1, model.dimension()),
        gen -> {
          gen.writeStartObject();
          gen.writeFieldName("embedding");
          ServiceJson.writeVector(
              gen, embeddings.size() == 0 ? new float[0] : embeddings.vectors()[0]);
          gen.writeEndObject();
        });
  }

  @Override
  public byte[] encodeError(ApiException error) {
    return OllamaWireFormat.ollamaError(error.getMessage());
  }
}
