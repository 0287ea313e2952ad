package dev.sparkembed.embed.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The service's JSON plumbing: one shared mapper, reading bodies, writing replies. */
final class ServiceJson {
  // Vectors are most of every reply: Schubfach writes floats several times faster than
  // Float.toString, with the same shortest round-tripping digits.
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          // {"input":"hi"} xyz is not one JSON document: refuse it rather than read half.
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  static final JsonFactory FACTORY = MAPPER.getFactory();

  private ServiceJson() {}

  /** Parses a request body; anything but well-formed JSON is a 400 that quotes the parser. */
  static JsonNode read(byte[] body) {
    if (body == null || body.length == 0) {
      throw ApiErrors.malformedJson("the body is empty");
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw ApiErrors.malformedJson("the body is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiErrors.malformedJson(e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How an error message names a value's JSON type: "a number", "an array", "null"... */
  static String describe(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "null";
    }
    switch (node.getNodeType()) {
      case ARRAY:
        return "an array";
      case OBJECT:
        return "an object";
      case NUMBER:
        return "the number " + node.asText();
      case BOOLEAN:
        return "the boolean " + node.asText();
      case STRING:
        return "a string";
      default:
        return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Writes a JSON document with the given body writer into a byte array. */
  static byte[] write(int sizeHint, JsonBody body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      body.write(gen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static void writeVector(JsonGenerator gen, float[] vector) throws IOException {
    gen.writeStartArray(vector, vector.length);
    for (float v : vector) {
      gen.writeNumber(v);
    }
    gen.writeEndArray();
  }

  /** Bytes for a vector of {@code d} floats written as JSON text: about 12 characters each. */
  static int sizeHint(int vectors, int dimension) {
    return 256 + vectors * (dimension * 12 + 64);
  }

  @FunctionalInterface
  interface JsonBody {
    void write(JsonGenerator gen) throws IOException;
  }
}
