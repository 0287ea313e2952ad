package dev.sparkembed.embed.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.sparkembed.embed.tokenize.TextTokenizer;
import dev.sparkembed.embed.tokenize.TokenizedText;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The int8 MiniLM and BGE-small (CLS pooling) built-ins. */
class OtherModelsTest {
  private static final ReferenceVectors REF = ReferenceVectors.load();

  @Test
  void int8MiniLmIsWithinCosine097OfTheFp32Reference() {
    try (Embedder q =
        Embedder.open(ModelSpec.parse("all-minilm-l6-v2-q").withDevice(DeviceChoice.CPU))) {
      assertThat(q.dimension()).isEqualTo(384);
      EmbeddingResult r = q.embed(REF.texts);
      for (int i = 0; i < REF.texts.size(); i++) {
        assertThat(ReferenceVectors.cosine(r.vectors()[i], REF.vectors.get(i)))
            .as("int8 vs fp32 for %s", REF.texts.get(i))
            .isGreaterThanOrEqualTo(0.97);
      }
    }
  }

  @Test
  void bgeGivesNormalised384dClsVectors() throws Exception {
    List<String> texts =
        List.of(
            "A man is eating pasta.",
            "A man is eating food.",
            "The stock market fell sharply today.");
    try (Embedder bge =
        Embedder.open(ModelSpec.parse("bge-small-en-v1.5-q").withDevice(DeviceChoice.CPU))) {
      assertThat(bge.modelName()).isEqualTo("bge-small-en-v1.5-q");
      assertThat(bge.dimension()).isEqualTo(384);
      assertThat(bge.maxSequenceLength()).isEqualTo(512);
      EmbeddingResult r = bge.embed(texts);
      for (float[] v : r.vectors()) {
        assertThat(v).hasSize(384);
        assertThat(ReferenceVectors.norm(v)).isCloseTo(1.0, within(1e-5));
      }
      assertThat(ReferenceVectors.cosine(r.vectors()[0], r.vectors()[1]))
          .isGreaterThan(ReferenceVectors.cosine(r.vectors()[0], r.vectors()[2]));
      // CLS pooling: the [CLS] token's embedding from a plain ONNX Runtime run, normalised.
      // (compared alone: int8 activations are quantised per batch, so padding shifts them a bit)
      float[] cls = clsByHand(texts.get(0));
      assertThat(ReferenceVectors.cosine(bge.embed(texts.get(0)), cls)).isGreaterThan(0.99999);
      assertThat(ReferenceVectors.cosine(r.vectors()[0], cls)).isGreaterThan(0.99);
    }
  }

  private static float[] clsByHand(String text) throws Exception {
    Path dir = ModelCache.extract(BuiltInModel.BGE_SMALL_EN_V15_Q);
    EngineRuntime.init();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"), 512);
        OrtSession session = env.createSession(dir.resolve("model.onnx").toString())) {
      TokenizedText t = tok.encode(List.of(text))[0];
      long[] shape = {1, t.length()};
      long[] mask = new long[t.length()];
      java.util.Arrays.fill(mask, 1L);
      try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(t.ids()), shape);
          OnnxTensor am = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
          OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(t.typeIds()), shape);
          OrtSession.Result out =
              session.run(
                  Map.of("input_ids", ids, "attention_mask", am, "token_type_ids", types))) {
        float[][][] hidden = (float[][][]) out.get(0).getValue();
        return hidden[0][0];
      }
    }
  }
}
