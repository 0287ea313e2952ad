package dev.sparkembed.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The reference vectors under {@code testdata/}, found through {@code spark.embed.home}. */
final class BenchReference {
  final Path file;
  final List<String> texts = new ArrayList<>();
  final List<float[]> vectors = new ArrayList<>();

  private BenchReference(Path file) {
    this.file = file;
  }

  static BenchReference load() {
    String home = System.getProperty("spark.embed.home", ".");
    Path file = Path.of(home, "testdata", "reference", "embeddings-minilm.json");
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      JsonNode root = new ObjectMapper().readTree(file.toFile());
      BenchReference r = new BenchReference(file);
      for (JsonNode s : root.get("sentences")) {
        r.texts.add(s.get("text").asText());
        JsonNode e = s.get("embedding");
        float[] v = new float[e.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) e.get(i).asDouble();
        }
        r.vectors.add(v);
      }
      return r;
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
