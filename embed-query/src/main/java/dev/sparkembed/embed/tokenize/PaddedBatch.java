package dev.sparkembed.embed.tokenize;

/**
 * A batch of tokenised texts padded to its longest row, as the flat row-major {@code long} arrays a
 * BERT-style model takes ({@code input_ids}, {@code attention_mask}, {@code token_type_ids}).
 * Padding goes on the right with id 0 and mask 0, so row {@code r}'s real tokens are its first
 * {@code lengths[r]}. Built per inference call on the executor.
 */
public final class PaddedBatch {
  private final int rows;
  private final int sequenceLength;
  private final long[] inputIds;
  private final long[] attentionMask;
  private final long[] tokenTypeIds;
  private final int[] lengths;

  private PaddedBatch(
      int rows,
      int sequenceLength,
      long[] inputIds,
      long[] attentionMask,
      long[] tokenTypeIds,
      int[] lengths) {
    this.rows = rows;
    this.sequenceLength = sequenceLength;
    this.inputIds = inputIds;
    this.attentionMask = attentionMask;
    this.tokenTypeIds = tokenTypeIds;
    this.lengths = lengths;
  }

  /** Pads {@code texts[indices[0..]]} into one batch (in the order of {@code indices}). */
  public static PaddedBatch of(TokenizedText[] texts, int[] indices) {
    int rows = indices.length;
    int seq = 1;
    for (int i : indices) {
      seq = Math.max(seq, texts[i].length());
    }
    long[] ids = new long[rows * seq];
    long[] mask = new long[rows * seq];
    long[] types = new long[rows * seq];
    int[] lengths = new int[rows];
    for (int r = 0; r < rows; r++) {
      TokenizedText t = texts[indices[r]];
      int n = t.length();
      int offset = r * seq;
      System.arraycopy(t.ids(), 0, ids, offset, n);
      System.arraycopy(t.typeIds(), 0, types, offset, n);
      java.util.Arrays.fill(mask, offset, offset + n, 1L);
      lengths[r] = n;
    }
    return new PaddedBatch(rows, seq, ids, mask, types, lengths);
  }

  public int rows() {
    return rows;
  }

  /** The padded length: the longest row's token count. */
  public int sequenceLength() {
    return sequenceLength;
  }

  public long[] inputIds() {
    return inputIds;
  }

  public long[] attentionMask() {
    return attentionMask;
  }

  public long[] tokenTypeIds() {
    return tokenTypeIds;
  }

  /** Real (unpadded) token count per row. */
  public int[] lengths() {
    return lengths;
  }
}
