package dev.sparkembed.embed.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reads the {@code input} field that OpenAI and Ollama share: a string or an array of strings. */
final class TextInputs {
  private TextInputs() {}

  /**
   * The texts in {@code node}: one for a string, each item for an array of strings. Token arrays
   * (numbers, or arrays of numbers) and other types are refused with a message naming the field.
   */
  static List<String> read(JsonNode node, String field, ServiceLimits limits) {
    if (node.isTextual()) {
      String text = node.textValue();
      checkLength(field, 0, text, limits);
      return List.of(text);
    }
    if (!node.isArray()) {
      throw ApiErrors.wrongType(
          field, "a string or an array of strings", ServiceJson.describe(node));
    }
    if (node.size() > limits.maxTextsPerRequest()) {
      throw ApiErrors.tooManyTexts(field, node.size(), limits.maxTextsPerRequest());
    }
    List<String> texts = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isTextual()) {
        if (item.isIntegralNumber() || (item.isArray() && isTokenArray(item))) {
          throw ApiErrors.tokenArrays(field);
        }
        throw ApiErrors.wrongType(
            field + "[" + i + "]", "a string", ServiceJson.describe(item) + " (item " + i + ")");
      }
      String text = item.textValue();
      checkLength(field, i, text, limits);
      texts.add(text);
    }
    return texts;
  }

  static void checkLength(String field, int index, String text, ServiceLimits limits) {
    if (text.length() > limits.maxCharsPerText()) {
      throw ApiErrors.textTooLong(field, index, text.length(), limits.maxCharsPerText());
    }
  }

  static void checkBodySize(byte[] body, ServiceLimits limits) {
    if (body != null && body.length > limits.maxBodyBytes()) {
      throw ApiErrors.bodyTooLarge(body.length, limits.maxBodyBytes());
    }
  }

  private static boolean isTokenArray(JsonNode array) {
    for (JsonNode n : array) {
      if (!n.isIntegralNumber()) {
        return false;
      }
    }
    return true;
  }

  /** A {@code dimensions} field, if present, must equal the model's. */
  static void checkDimensions(JsonNode node, ModelInfo model) {
    if (node == null || node.isNull()) {
      return;
    }
    if (!node.isIntegralNumber()) {
      throw ApiErrors.wrongType("dimensions", "an integer", ServiceJson.describe(node));
    }
    if (node.longValue() != model.dimension()) {
      throw ApiErrors.dimensions(node.longValue(), model.dimension(), model.name());
    }
  }

  /** An optional string field ({@code model}, {@code user}); other types are refused. */
  static String optionalString(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw ApiErrors.wrongType(field, "a string", ServiceJson.describe(node));
    }
    return node.textValue();
  }

  static JsonNode requireObject(byte[] body) {
    JsonNode node = ServiceJson.read(body);
    if (!node.isObject()) {
      throw ApiErrors.bodyNotA("object", ServiceJson.describe(node));
    }
    return node;
  }
}
