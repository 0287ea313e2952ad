package dev.sparkembed.embed.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The default fp32 model against vectors computed by an independent implementation. */
class EmbedderReferenceTest {
  private static final ReferenceVectors REF = ReferenceVectors.load();
  private static Embedder embedder;

  @BeforeAll
  static void load() {
    embedder = Embedder.open(ModelSpec.defaults().withDevice(DeviceChoice.CPU).withThreads(2));
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void describesTheModel() {
    assertThat(embedder.modelName()).isEqualTo("all-minilm-l6-v2");
    assertThat(embedder.dimension()).isEqualTo(384);
    assertThat(embedder.maxSequenceLength()).isEqualTo(256);
    assertThat(embedder.device()).isEqualTo("cpu");
  }

  @Test
  void everyReferenceTextMatchesInOneMixedBatch() {
    EmbeddingResult result = embedder.embed(REF.texts);
    assertThat(result.size()).isEqualTo(REF.texts.size());
    List<String> report = new ArrayList<>();
    for (int i = 0; i < REF.texts.size(); i++) {
      double cos = ReferenceVectors.cosine(result.vectors()[i], REF.vectors.get(i));
      report.add(String.format("%.6f %s", cos, REF.texts.get(i)));
      assertThat(cos).as("cosine for %s", REF.texts.get(i)).isGreaterThanOrEqualTo(0.9999);
      assertThat(result.tokenCounts()[i])
          .as("tokens of %s", REF.texts.get(i))
          .isEqualTo(REF.tokens.get(i));
      assertThat(ReferenceVectors.norm(result.vectors()[i])).isCloseTo(1.0, within(1e-5));
    }
    assertThat(result.truncatedCount()).isEqualTo(1);
  }

  @Test
  void eachTextAloneGivesTheSameVectorAsInABatch() {
    EmbeddingResult batch = embedder.embed(REF.texts);
    for (int i = 0; i < REF.texts.size(); i++) {
      float[] alone = embedder.embed(REF.texts.get(i));
      assertThat(ReferenceVectors.cosine(alone, batch.vectors()[i]))
          .as("alone vs batch for %s", REF.texts.get(i))
          .isGreaterThan(0.99999);
    }
  }
}
