package dev.sparkembed.embed.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Helpers shared by the wire-format tests. */
final class WireFormatTestSupport {
  private WireFormatTestSupport() {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static JsonNode json(byte[] body) {
    try {
      return ServiceJson.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ServiceRequest post(String path, String body) {
    return new ServiceRequest("POST", path, Map.of("Content-Type", "application/json"), utf8(body));
  }

  static ServiceRequest post(String path, String body, Map<String, String> headers) {
    return new ServiceRequest("POST", path, headers, utf8(body));
  }

  static float[] floats(JsonNode array) {
    float[] f = new float[array.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) array.get(i).doubleValue();
    }
    return f;
  }
}
