package dev.sparkembed.embed.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL's PyTorch engine on the CPU with the exported TorchScript all-MiniLM-L6-v2 (see {@link
 * TorchScriptModel}): the reference vectors, the ONNX Runtime engine's vectors for the same texts,
 * and a bad model file.
 */
class PyTorchEngineTest {
  private static final ReferenceVectors REF = ReferenceVectors.load();
  private static Embedder torch;

  @BeforeAll
  static void load() {
    torch = Embedder.open(TorchScriptModel.cpuSpec().withThreads(2));
  }

  @AfterAll
  static void close() {
    if (torch != null) {
      torch.close();
    }
  }

  @Test
  void describesTheModel() {
    assertThat(torch.modelName()).isEqualTo(TorchScriptModel.dir().getFileName().toString());
    assertThat(torch.dimension()).isEqualTo(384);
    assertThat(torch.maxSequenceLength()).isEqualTo(256);
    assertThat(torch.device()).isEqualTo("cpu");
  }

  @Test
  void everyReferenceTextMatchesInOneMixedBatch() {
    EmbeddingResult result = torch.embed(REF.texts);
    for (int i = 0; i < REF.texts.size(); i++) {
      assertThat(ReferenceVectors.cosine(result.vectors()[i], REF.vectors.get(i)))
          .as("cosine for %s", REF.texts.get(i))
          .isGreaterThanOrEqualTo(0.9999);
      assertThat(result.tokenCounts()[i]).isEqualTo(REF.tokens.get(i));
      assertThat(ReferenceVectors.norm(result.vectors()[i])).isCloseTo(1.0, within(1e-5));
    }
    assertThat(result.truncatedCount()).as("the over-long text").isEqualTo(1);
  }

  @Test
  void givesTheOnnxRuntimeEnginesVectorsForTheSameWeights() {
    EmbeddingResult pt = torch.embed(REF.texts);
    try (Embedder ort = Embedder.open(ModelSpec.defaults().withDevice(DeviceChoice.CPU))) {
      EmbeddingResult onnx = ort.embed(REF.texts);
      for (int i = 0; i < REF.texts.size(); i++) {
        assertThat(ReferenceVectors.cosine(pt.vectors()[i], onnx.vectors()[i]))
            .as("pytorch vs onnxruntime for %s", REF.texts.get(i))
            .isGreaterThanOrEqualTo(0.99999);
      }
    }
  }

  @Test
  void aBadModelFileFailsAtLoadNamingIt(@TempDir Path tmp) throws Exception {
    Path dir = TorchScriptModel.dir();
    Files.copy(dir.resolve("tokenizer.json"), tmp.resolve("tokenizer.json"));
    Files.writeString(tmp.resolve("model.pt"), "not a TorchScript archive");
    ModelSpec spec =
        ModelSpec.parse(tmp.toString())
            .withEngine(EngineChoice.PYTORCH)
            .withDevice(DeviceChoice.CPU);
    assertThatThrownBy(() -> Embedder.open(spec))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageStartingWith(
            "Cannot load model: model file " + tmp.resolve("model.pt") + " is not valid: ");
  }

  @Test
  void theBuiltInOnnxModelIsRefusedWithTheEngineNamed() {
    assertThatThrownBy(
            () ->
                Embedder.open(
                    ModelSpec.defaults()
                        .withEngine(EngineChoice.PYTORCH)
                        .withDevice(DeviceChoice.CPU)))
        .hasMessageStartingWith("Invalid option 'engine': 'pytorch'");
  }
}
