package dev.sparkembed.embed.engine;

/**
 * Turns a batch of token embeddings {@code [rows, seq, dim]} (row-major) into one L2-normalised
 * vector per row: mean over the row's real tokens (the attention mask is 1 for the first {@code
 * lengths[r]} positions) or the first ([CLS]) token. Sums run in double precision. Executor side.
 */
final class Pooler {
  private Pooler() {}

  static float[][] pool(float[] hidden, int rows, int seq, int dim, int[] lengths, Pooling mode) {
    float[][] out = new float[rows][];
    double[] acc = new double[dim];
    for (int r = 0; r < rows; r++) {
      int base = r * seq * dim;
      java.util.Arrays.fill(acc, 0.0);
      int tokens = mode == Pooling.CLS ? 1 : Math.max(1, lengths[r]);
      for (int t = 0; t < tokens; t++) {
        int off = base + t * dim;
        for (int d = 0; d < dim; d++) {
          acc[d] += hidden[off + d];
        }
      }
      out[r] = normalise(acc, tokens);
    }
    return out;
  }

  /** Normalises rows that the model already pooled ({@code [rows, dim]} output). */
  static float[][] normaliseRows(float[] pooled, int rows, int dim) {
    float[][] out = new float[rows][];
    double[] acc = new double[dim];
    for (int r = 0; r < rows; r++) {
      for (int d = 0; d < dim; d++) {
        acc[d] = pooled[r * dim + d];
      }
      out[r] = normalise(acc, 1);
    }
    return out;
  }

  private static float[] normalise(double[] sum, int count) {
    double norm = 0;
    for (double v : sum) {
      double m = v / count;
      norm += m * m;
    }
    // Same epsilon as torch.nn.functional.normalize: an all-zero vector stays zero.
    double scale = 1.0 / Math.max(Math.sqrt(norm), 1e-12) / count;
    float[] out = new float[sum.length];
    for (int d = 0; d < sum.length; d++) {
      out[d] = (float) (sum[d] * scale);
    }
    return out;
  }
}
