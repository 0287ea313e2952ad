package dev.sparkembed.embed.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchPlanTest {

  @Test
  void sortsLongestFirstAndRespectsTheBudget() {
    int[] lengths = {5, 100, 7, 100, 3, 50, 9};
    List<int[]> batches = BatchPlan.plan(lengths, 200);
    List<Integer> seen = new ArrayList<>();
    for (int[] batch : batches) {
      int longest = 0;
      for (int i : batch) {
        longest = Math.max(longest, lengths[i]);
        seen.add(i);
      }
      assertThat(batch.length * longest).isLessThanOrEqualTo(200);
    }
    assertThat(seen).containsExactly(1, 3, 5, 6, 2, 0, 4);
    assertThat(batches.get(0)).containsExactly(1, 3);
    // 50 is half of 100 and may join; the short ones (<= 32 tokens) share one batch.
    assertThat(batches).extracting(b -> b.length).containsExactly(2, 1, 4);
  }

  @Test
  void aMuchShorterTextStartsANewBatch() {
    int[] lengths = {256, 100, 40, 3, 3};
    List<int[]> batches = BatchPlan.plan(lengths, 100_000);
    assertThat(batches).extracting(b -> b.length).containsExactly(1, 1, 1, 2);
  }

  @Test
  void aTextOverTheBudgetGetsItsOwnBatch() {
    List<int[]> batches = BatchPlan.plan(new int[] {300, 2}, 100);
    assertThat(batches).hasSize(2);
    assertThat(batches.get(0)).containsExactly(0);
    assertThat(batches.get(1)).containsExactly(1);
  }

  @Test
  void emptyInputHasNoBatches() {
    assertThat(BatchPlan.plan(new int[0], 100)).isEmpty();
  }
}
