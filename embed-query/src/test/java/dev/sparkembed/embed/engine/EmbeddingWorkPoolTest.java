package dev.sparkembed.embed.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The JVM-wide work pool with the real model: concurrent callers whose calls are cut into chunks
 * and interleaved on the shared workers each get exactly their own vectors in their own order, and
 * one caller's failure stays its own.
 */
class EmbeddingWorkPoolTest {
  private static final ReferenceVectors REF = ReferenceVectors.load();
  private static final ModelSpec SPEC = ModelSpec.defaults().withDevice(DeviceChoice.CPU);

  @AfterAll
  static void close() {
    EmbeddingWorkPool.shutdownAll();
    ExecutorModels.closeAll();
  }

  @Test
  void chunksCoverEveryTextOnceLongestFirstInEqualParts() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      texts.add("x".repeat((i * 37) % 101));
    }
    List<int[]> chunks = EmbeddingWorkPool.chunks(texts, 32);
    assertThat(chunks).hasSize(3);
    assertThat(chunks).allSatisfy(c -> assertThat(c.length).isBetween(23, 24));
    int[] all = chunks.stream().flatMapToInt(Arrays::stream).toArray();
    assertThat(all).hasSize(70);
    assertThat(Arrays.stream(all).sorted().toArray())
        .containsExactly(java.util.stream.IntStream.range(0, 70).toArray());
    for (int i = 1; i < all.length; i++) {
      assertThat(texts.get(all[i]).length()).isLessThanOrEqualTo(texts.get(all[i - 1]).length());
    }
  }

  @Test
  void concurrentCallersEachGetTheirOwnVectorsInTheirOwnOrder() throws Exception {
    int callers = 4;
    ExecutorService threads = Executors.newFixedThreadPool(callers);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<List<Integer>> asked = new ArrayList<>();
      List<Future<EmbeddingResult>> results = new ArrayList<>();
      long busyBefore = EmbeddingWorkPool.busyNanos();
      for (int c = 0; c < callers; c++) {
        // 75 texts per call (3 chunks), each caller in its own order of the reference texts.
        List<Integer> mine = new ArrayList<>();
        for (int k = 0; k < 75; k++) {
          mine.add((k * (2 * c + 3) + c) % REF.texts.size());
        }
        asked.add(mine);
        List<String> texts = mine.stream().map(REF.texts::get).toList();
        results.add(
            threads.submit(
                () -> {
                  go.await();
                  return EmbeddingWorkPool.get(SPEC, 2).embed(texts);
                }));
      }
      go.countDown();
      for (int c = 0; c < callers; c++) {
        EmbeddingResult r = results.get(c).get();
        assertThat(r.size()).isEqualTo(asked.get(c).size());
        for (int k = 0; k < r.size(); k++) {
          int ref = asked.get(c).get(k);
          assertThat(ReferenceVectors.cosine(r.vectors()[k], REF.vectors.get(ref)))
              .as("caller %d, text %d", c, k)
              .isGreaterThanOrEqualTo(0.9999);
          assertThat(r.tokenCounts()[k]).isEqualTo(REF.tokens.get(ref));
        }
      }
      assertThat(EmbeddingWorkPool.busyNanos()).isGreaterThan(busyBefore);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aFailedCallFailsOnlyItsCaller() throws Exception {
    List<String> bad = new ArrayList<>(REF.texts.subList(0, 20));
    bad.addAll(REF.texts.subList(0, 20));
    bad.add(17, null);
    List<String> good = new ArrayList<>(REF.texts.subList(0, 20));
    good.addAll(REF.texts.subList(0, 20));
    Embedder pooled = EmbeddingWorkPool.get(SPEC, 2);
    assertThatThrownBy(() -> pooled.embed(bad)).hasMessageContaining("17");
    EmbeddingResult r = pooled.embed(good);
    assertThat(ReferenceVectors.cosine(r.vectors()[39], REF.vectors.get(19)))
        .isGreaterThanOrEqualTo(0.9999);
  }

  @Test
  void smallCallsRunOnTheCallersModel() {
    long busyBefore = EmbeddingWorkPool.busyNanos();
    EmbeddingResult r = EmbeddingWorkPool.get(SPEC, 2).embed(REF.texts.subList(0, 3));
    assertThat(ReferenceVectors.cosine(r.vectors()[2], REF.vectors.get(2)))
        .isGreaterThanOrEqualTo(0.9999);
    assertThat(EmbeddingWorkPool.lastCallEngineNanos()).isEqualTo(-1);
    assertThat(EmbeddingWorkPool.busyNanos()).isEqualTo(busyBefore);
  }
}
