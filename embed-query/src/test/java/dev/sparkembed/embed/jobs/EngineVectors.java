package dev.sparkembed.embed.jobs;

import dev.sparkembed.embed.engine.ExecutorModels;
import dev.sparkembed.embed.engine.ModelSpec;
import java.util.List;

/** The engine's own vectors, to check what a job wrote against. */
final class EngineVectors {
  private EngineVectors() {}

  static float[][] embed(List<String> texts) {
    return ExecutorModels.get(ModelSpec.defaults()).embed(texts).vectors();
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  static float[] floats(Object sqlArray) {
    Object[] values = (Object[]) sqlArray;
    float[] out = new float[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values[i]).floatValue();
    }
    return out;
  }

  /** Short texts in the shape of the benchmark's: a sentence about one of a few topics. */
  static String sentence(long i) {
    String[] topics = {
      "the weather in spring", "a football match", "stock markets", "cooking pasta",
      "a new phone", "train delays", "a museum visit", "learning Java"
    };
    return "Note " + i + " is about " + topics[(int) (i % topics.length)] + ".";
  }
}
