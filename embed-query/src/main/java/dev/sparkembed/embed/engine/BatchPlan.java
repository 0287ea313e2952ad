package dev.sparkembed.embed.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Splits texts into inference batches by a token budget: texts are sorted by token count (longest
 * first) so that each batch pads little, and a batch grows while {@code rows x longest row} stays
 * within the budget (a text longer than the budget gets a batch of its own). Each batch lists the
 * original indices of its texts, which is how results are put back in input order. A batch also
 * ends where the next text is less than half as long as its longest (unless all are short), so a
 * short text is never padded to many times its length: that saves compute, and keeps int8 models
 * (whose activations are quantised per batch) close to their single-text results. Pure computation,
 * executor side.
 */
final class BatchPlan {
  /** Below this many tokens per call overhead outweighs padding: short texts always share. */
  static final int SHORT_TEXT_TOKENS = 32;

  private BatchPlan() {}

  static List<int[]> plan(int[] lengths, int tokenBudget) {
    Integer[] order = new Integer[lengths.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // Stable sort: equal lengths keep input order, which keeps batches deterministic.
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
    List<int[]> batches = new ArrayList<>();
    int start = 0;
    while (start < order.length) {
      int longest = lengths[order[start]];
      int rows = Math.max(1, tokenBudget / Math.max(1, longest));
      int end = start + 1;
      int limit = Math.min(order.length, start + rows);
      while (end < limit && (longest <= SHORT_TEXT_TOKENS || 2 * lengths[order[end]] >= longest)) {
        end++;
      }
      int[] batch = new int[end - start];
      for (int i = start; i < end; i++) {
        batch[i - start] = order[i];
      }
      batches.add(batch);
      start = end;
    }
    return batches;
  }
}
