package dev.sparkembed.serviceit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The independent all-MiniLM-L6-v2 vectors in {@code testdata/reference/embeddings-minilm.json},
 * and the cosine check the service's answers must pass.
 */
final class ReferenceEmbeddings {
  /** What a correct engine reaches on every reference text. */
  static final double MIN_COSINE = 0.9999;

  record Sentence(String text, int tokens, float[] embedding) {}

  private ReferenceEmbeddings() {}

  static List<Sentence> load() {
    Path home = Path.of(System.getProperty("spark.embed.home", "..")).toAbsolutePath().normalize();
    Path file = home.resolve("testdata/reference/embeddings-minilm.json");
    try {
      JsonNode root = new ObjectMapper().readTree(file.toFile());
      List<Sentence> out = new ArrayList<>();
      for (JsonNode s : root.get("sentences")) {
        out.add(
            new Sentence(
                s.get("text").asText(), s.get("tokens").asInt(), floats(s.get("embedding"))));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the reference embeddings " + file, e);
    }
  }

  static float[] floats(JsonNode array) {
    float[] f = new float[array.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) array.get(i).doubleValue();
    }
    return f;
  }

  static float[] floats(List<? extends Number> values) {
    float[] f = new float[values.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = values.get(i).floatValue();
    }
    return f;
  }

  static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("Vector lengths differ: " + a.length + " vs " + b.length);
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
