package dev.sparkembed.embed.engine;

/**
 * The output of {@link Embedder#embed}: one L2-normalised vector per input text (same order), the
 * tokens fed to the model per text (special tokens included, after truncation), and how many texts
 * were cut at the model's maximum sequence length. Built where the model runs (an executor, or the
 * driver in local mode) and handed to the caller there.
 */
public record EmbeddingResult(float[][] vectors, int[] tokenCounts, int truncatedCount) {

  public int size() {
    return vectors.length;
  }

  /** Total tokens fed to the model for all texts (padding excluded). */
  public long totalTokens() {
    long sum = 0;
    for (int n : tokenCounts) {
      sum += n;
    }
    return sum;
  }
}
