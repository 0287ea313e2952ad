package dev.sparkembed.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference vectors under {@code testdata/} (found through {@code spark.embed.home}) and the
 * cosine checks of {@code bench embed} against them. Driver side (CLI only).
 */
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

  static double minCosine(float[][] got, BenchReference ref) {
    double min = 1;
    for (int i = 0; i < got.length; i++) {
      min = Math.min(min, cosine(got[i], ref.vectors.get(i)));
    }
    return EmbedBenchmark.round4(min);
  }

  static double cosine(float[] a, float[] b) {
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
