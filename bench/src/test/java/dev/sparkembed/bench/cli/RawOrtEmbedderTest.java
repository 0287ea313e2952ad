package dev.sparkembed.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sparkembed.embed.engine.BuiltInModel;
import dev.sparkembed.embed.engine.ReferenceVectors;
import org.junit.jupiter.api.Test;

/** The benchmark's baseline computes the same vectors as the engine (so ratios compare alike). */
class RawOrtEmbedderTest {

  @Test
  void baselineMatchesTheReference() throws Exception {
    ReferenceVectors ref = ReferenceVectors.load();
    try (RawOrtEmbedder raw = new RawOrtEmbedder(BuiltInModel.ALL_MINILM_L6_V2.extract(), 256, 1)) {
      float[][] got = raw.embed(ref.texts);
      for (int i = 0; i < got.length; i++) {
        assertThat(ReferenceVectors.cosine(got[i], ref.vectors.get(i)))
            .as("raw baseline for %s", ref.texts.get(i))
            .isGreaterThanOrEqualTo(0.9999);
      }
    }
  }

  @Test
  void benchTextsHaveTheAdvertisedLengths() throws Exception {
    try (var tok =
        dev.sparkembed.embed.tokenize.TextTokenizer.load(
            BuiltInModel.ALL_MINILM_L6_V2.extract().resolve("tokenizer.json"), 256)) {
      assertThat(BenchTexts.meanTokens(BenchTexts.shortTexts(50, 1), tok)).isBetween(11.0, 15.0);
      assertThat(BenchTexts.meanTokens(BenchTexts.longTexts(10, 2, 128, tok), tok))
          .isBetween(115.0, 128.0);
    }
  }
}
