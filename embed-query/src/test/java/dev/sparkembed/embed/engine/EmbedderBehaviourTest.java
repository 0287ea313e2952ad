package dev.sparkembed.embed.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Batching, ordering, truncation and sharing, with a tiny token budget to force many batches. */
class EmbedderBehaviourTest {
  private static final ReferenceVectors REF = ReferenceVectors.load();
  private static Embedder small;

  @BeforeAll
  static void load() {
    // Budget 64: batches of a few texts each, so sorting and order restoring really happen.
    small =
        Embedder.open(
            ModelSpec.defaults()
                .withDevice(DeviceChoice.CPU)
                .withThreads(1)
                .withBatchTokenBudget(64));
  }

  @AfterAll
  static void close() {
    small.close();
    ExecutorModels.closeAll();
  }

  @Test
  void mixedLengthsComeBackInInputOrder() {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < REF.texts.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(42));
    List<String> texts = new ArrayList<>();
    for (int i : order) {
      texts.add(REF.texts.get(i));
    }
    texts.add("");
    EmbeddingResult result = small.embed(texts);
    for (int k = 0; k < order.size(); k++) {
      int i = order.get(k);
      assertThat(ReferenceVectors.cosine(result.vectors()[k], REF.vectors.get(i)))
          .as("position %d holds %s", k, REF.texts.get(i))
          .isGreaterThanOrEqualTo(0.9999);
      assertThat(result.tokenCounts()[k]).isEqualTo(REF.tokens.get(i));
    }
    assertThat(result.tokenCounts()[order.size()]).isEqualTo(2);
  }

  @Test
  void truncatesAtTheModelMaximumAndCounts() {
    String longText = String.join(" ", Collections.nCopies(400, "word"));
    EmbeddingResult result = small.embed(List.of("short", longText, longText + " more"));
    assertThat(result.tokenCounts()).containsExactly(3, 256, 256);
    assertThat(result.truncatedCount()).isEqualTo(2);
    // Both long texts share their first 254 pieces: same vector after truncation.
    assertThat(ReferenceVectors.cosine(result.vectors()[1], result.vectors()[2]))
        .isGreaterThan(0.99999);
  }

  @Test
  void emptyListAndNullTexts() {
    assertThat(small.embed(List.of()).size()).isZero();
    assertThatThrownBy(() -> small.embed(Arrays.asList("a", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid text at index 1: null");
  }

  @Test
  void threadsShareOneModelSafely() throws Exception {
    // Other test classes in this JVM may have loaded models into the registry: start empty.
    ExecutorModels.closeAll();
    Embedder shared =
        ExecutorModels.get(ModelSpec.defaults().withDevice(DeviceChoice.CPU).withThreads(1));
    assertThat(ExecutorModels.get(ModelSpec.defaults().withDevice(DeviceChoice.CPU).withThreads(1)))
        .isSameAs(shared);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      int offset = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (int round = 0; round < 3; round++) {
                    int i = (offset * 5 + round) % REF.texts.size();
                    float[] v = shared.embed(REF.texts.get(i));
                    assertThat(ReferenceVectors.cosine(v, REF.vectors.get(i)))
                        .isGreaterThanOrEqualTo(0.9999);
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(120_000);
    }
    assertThat(errors).isEmpty();
    shared.close(); // a no-op on the shared handle: the registry owns the model
    assertThat(shared.embed("still open")).hasSize(384);
    assertThat(ExecutorModels.loadedCount()).isEqualTo(1);
    ExecutorModels.closeAll();
    assertThat(ExecutorModels.loadedCount()).isZero();
  }

  @Test
  void theTasksCoresAndTheSameCountGivenExplicitlyShareOneModel() {
    ExecutorModels.closeAll();
    ModelSpec auto = ModelSpec.defaults().withDevice(DeviceChoice.CPU);
    // Outside a Spark task "the task's cores" means every core of this JVM.
    int cores = Runtime.getRuntime().availableProcessors();
    Embedder explicit = ExecutorModels.get(auto.withThreads(cores));
    assertThat(ExecutorModels.get(auto)).isSameAs(explicit);
    assertThat(ExecutorModels.loadedCount()).isEqualTo(1);
    ExecutorModels.close(auto);
    assertThat(ExecutorModels.loadedCount()).isZero();
  }
}
