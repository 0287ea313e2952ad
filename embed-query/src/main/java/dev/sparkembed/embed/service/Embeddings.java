package dev.sparkembed.embed.service;

/**
 * Vectors for some texts, in the texts' order, with what the model saw of each: how many tokens it
 * was fed, and whether the text was cut to fit the context.
 *
 * @param vectors one L2-normalised vector per text
 * @param tokenCounts tokens fed to the model per text, special tokens included
 * @param truncated per text: whether it was longer than the model's context and was cut
 */
public record Embeddings(float[][] vectors, int[] tokenCounts, boolean[] truncated) {

  public int size() {
    return vectors.length;
  }

  /** Texts {@code [from, from + count)} of this batch. */
  public Embeddings slice(int from, int count) {
    float[][] v = new float[count][];
    int[] t = new int[count];
    boolean[] cut = new boolean[count];
    System.arraycopy(vectors, from, v, 0, count);
    System.arraycopy(tokenCounts, from, t, 0, count);
    System.arraycopy(truncated, from, cut, 0, count);
    return new Embeddings(v, t, cut);
  }

  public long totalTokens() {
    long sum = 0;
    for (int n : tokenCounts) {
      sum += n;
    }
    return sum;
  }
}
