package dev.sparkembed.embed.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/embed/batch}: a JSON array of {@code {"id": ..., "text": "..."}} rows (what
 * T-SQL's {@code FOR JSON PATH} produces) answered with {@code [{"id": ..., "embedding": [...]}]}
 * in the same order. Ids are echoed as sent (number or string). The body limit is the service's
 * {@code --max-body-bytes}; errors use OpenAI's envelope. Runs on executors.
 */
final class BatchWireFormat implements ApiWireFormat {

  @Override
  public EmbedRequest parse(ApiFormat format, byte[] body, ModelInfo model, ServiceLimits limits) {
    TextInputs.checkBodySize(body, limits);
    JsonNode root = ServiceJson.read(body);
    if (!root.isArray()) {
      throw ApiErrors.bodyNotA("array of {\"id\", \"text\"} rows", ServiceJson.describe(root));
    }
    if (root.size() > limits.maxTextsPerRequest()) {
      throw ApiErrors.tooManyTexts("rows", root.size(), limits.maxTextsPerRequest());
    }
    List<String> texts = new ArrayList<>(root.size());
    List<JsonNode> ids = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      JsonNode row = root.get(i);
      if (!row.isObject()) {
        throw ApiErrors.batchRow(
            i, "must be an object {\"id\", \"text\"}, got " + ServiceJson.describe(row));
      }
      JsonNode id = row.get("id");
      if (id == null || id.isNull() || !id.isValueNode()) {
        throw ApiErrors.batchRow(
            i, "needs an 'id' (a number or a string), got " + ServiceJson.describe(id));
      }
      JsonNode text = row.get("text");
      if (text == null || !text.isTextual()) {
        throw ApiErrors.batchRow(i, "needs a 'text' string, got " + ServiceJson.describe(text));
      }
      TextInputs.checkLength("text", i, text.textValue(), limits);
      ids.add(id);
      texts.add(text.textValue());
    }
    return new EmbedRequest(format, texts, ids, EncodingFormat.FLOAT, true, null);
  }

  @Override
  public byte[] encode(EmbedRequest request, Embeddings embeddings, ModelInfo model, Timing t) {
    return ServiceJson.write(
        ServiceJson.sizeHint(embeddings.size(), model.dimension()),
        gen -> {
          gen.writeStartArray();
          for (int i = 0; i < embeddings.size(); i++) {
            gen.writeStartObject();
            gen.writeFieldName("id");
            gen.writeTree(request.ids().get(i));
            gen.writeFieldName("embedding");
            ServiceJson.writeVector(gen, embeddings.vectors()[i]);
            gen.writeEndObject();
          }
          gen.writeEndArray();
        });
  }

  @Override
  public byte[] encodeError(ApiException error) {
    return OpenAiWireFormat.openAiError(error);
  }
}
