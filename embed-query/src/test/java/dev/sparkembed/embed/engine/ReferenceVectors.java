package dev.sparkembed.embed.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The 20 reference texts and their all-MiniLM-L6-v2 vectors from an independent implementation. */
public final class ReferenceVectors {
  public final List<String> texts = new ArrayList<>();
  public final List<float[]> vectors = new ArrayList<>();
  public final List<Integer> tokens = new ArrayList<>();

  private ReferenceVectors() {}

  public static ReferenceVectors load() {
    try (InputStream in =
        ReferenceVectors.class.getResourceAsStream("/reference/embeddings-minilm.json")) {
      JsonNode root = new ObjectMapper().readTree(in);
      ReferenceVectors r = new ReferenceVectors();
      for (JsonNode s : root.get("sentences")) {
        r.texts.add(s.get("text").asText());
        r.tokens.add(s.get("tokens").asInt());
        JsonNode e = s.get("embedding");
        float[] v = new float[e.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) e.get(i).asDouble();
        }
        r.vectors.add(v);
      }
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static double cosine(float[] a, float[] b) {
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

  public static double norm(float[] a) {
    double s = 0;
    for (float v : a) {
      s += (double) v * v;
    }
    return Math.sqrt(s);
  }
}
