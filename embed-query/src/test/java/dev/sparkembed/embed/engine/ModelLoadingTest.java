package dev.sparkembed.embed.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model directories given by path: their configs, and the errors for missing or bad files. */
class ModelLoadingTest {
  private static Path builtIn;

  @BeforeAll
  static void extract() {
    builtIn = ModelCache.extract(BuiltInModel.ALL_MINILM_L6_V2);
  }

  private static ModelSpec cpu(Path dir) {
    return ModelSpec.parse(dir.toString()).withDevice(DeviceChoice.CPU).withThreads(1);
  }

  private static Path modelDir(Path tmp, boolean withModel, boolean withTokenizer)
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    if (withModel) {
      Files.createSymbolicLink(dir.resolve("model.onnx"), builtIn.resolve("model.onnx"));
    }
    if (withTokenizer) {
      Files.createSymbolicLink(dir.resolve("tokenizer.json"), builtIn.resolve("tokenizer.json"));
    }
    return dir;
  }

  @Test
  void builtInExtractionIsReusedFromTheCache() {
    Path again = ModelCache.extract(BuiltInModel.ALL_MINILM_L6_V2);
    assertThat(again).isEqualTo(builtIn);
    assertThat(builtIn.getFileName().toString()).startsWith("all-minilm-l6-v2-");
    assertThat(builtIn.resolve("model.onnx")).isRegularFile();
    assertThat(builtIn.resolve("tokenizer.json")).isRegularFile();
  }

  @Test
  void directoryWithSentenceTransformersConfigs(@TempDir Path tmp) throws Exception {
    Path dir = modelDir(tmp, true, true);
    Files.createDirectories(dir.resolve("1_Pooling"));
    Files.writeString(
        dir.resolve("1_Pooling/config.json"),
        "{\"word_embedding_dimension\":384,\"pooling_mode_cls_token\":true,"
            + "\"pooling_mode_mean_tokens\":false}");
    Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\":128}");
    try (Embedder e = Embedder.open(cpu(dir));
        Embedder mean = Embedder.open(ModelSpec.defaults().withDevice(DeviceChoice.CPU))) {
      assertThat(e.modelName()).isEqualTo("model");
      assertThat(e.maxSequenceLength()).isEqualTo(128);
      EmbeddingResult r =
          e.embed(java.util.List.of(String.join(" ", Collections.nCopies(200, "word")), "hi"));
      assertThat(r.tokenCounts()).containsExactly(128, 3);
      assertThat(r.truncatedCount()).isEqualTo(1);
      // CLS pooling differs from the mean pooling of the same weights.
      assertThat(ReferenceVectors.cosine(r.vectors()[1], mean.embed("hi"))).isLessThan(0.99);
    }
  }

  @Test
  void missingDirectoryNamesThePath(@TempDir Path tmp) {
    Path missing = tmp.resolve("nope");
    assertThatThrownBy(() -> Embedder.open(cpu(missing)))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("Cannot load model: model directory not found: " + missing);
  }

  @Test
  void missingModelFileNamesThePath(@TempDir Path tmp) throws Exception {
    Path dir = modelDir(tmp, false, true);
    assertThatThrownBy(() -> Embedder.open(cpu(dir)))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("Cannot load model: model file not found: " + dir.resolve("model.onnx"));
  }

  @Test
  void missingTokenizerNamesThePath(@TempDir Path tmp) throws Exception {
    Path dir = modelDir(tmp, true, false);
    assertThatThrownBy(() -> Embedder.open(cpu(dir)))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            "Cannot load model: tokenizer file not found: " + dir.resolve("tokenizer.json"));
  }

  @Test
  void corruptModelFileNamesThePath(@TempDir Path tmp) throws Exception {
    Path dir = modelDir(tmp, false, true);
    Files.writeString(dir.resolve("model.onnx"), "this is not an ONNX protobuf");
    assertThatThrownBy(() -> Embedder.open(cpu(dir)))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageStartingWith(
            "Cannot load model: model file " + dir.resolve("model.onnx") + " is not valid: ");
  }

  @Test
  void corruptTokenizerNamesThePath(@TempDir Path tmp) throws Exception {
    Path dir = modelDir(tmp, true, false);
    Files.writeString(dir.resolve("tokenizer.json"), "{\"broken\": ");
    assertThatThrownBy(() -> Embedder.open(cpu(dir)))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageStartingWith(
            "Cannot load model: tokenizer file " + dir.resolve("tokenizer.json") + " is not valid");
  }

  @Test
  void corruptConfigNamesThePath(@TempDir Path tmp) throws Exception {
    Path dir = modelDir(tmp, true, true);
    Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": \"lots\"}");
    assertThatThrownBy(() -> Embedder.open(cpu(dir)))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(dir.resolve("sentence_bert_config.json").toString())
        .hasMessageContaining("max_seq_length");
  }

  @Test
  void torchScriptDirectoryWithTheOnnxEngineSaysWhichEngine(@TempDir Path tmp) throws Exception {
    Path dir = modelDir(tmp, false, true);
    Files.writeString(dir.resolve("model.pt"), "torchscript");
    assertThatThrownBy(() -> Embedder.open(cpu(dir)))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("select the engine pytorch");
  }

  @Test
  void pytorchWithoutItsEngineFailsClearly(@TempDir Path tmp) throws Exception {
    Path dir = modelDir(tmp, false, true);
    Files.writeString(dir.resolve("model.pt"), "torchscript");
    org.junit.jupiter.api.Assumptions.assumeFalse(
        EngineChoice.PYTORCH.isOnClasspath(), "built with -Ppytorch");
    assertThatThrownBy(() -> Embedder.open(cpu(dir).withEngine(EngineChoice.PYTORCH)))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            "Engine 'pytorch' is not on the classpath: build spark-embed with the Maven profile "
                + "-Ppytorch (adds ai.djl.pytorch:pytorch-engine and the offline "
                + "pytorch-native-cpu libraries) (available here: [onnxruntime])");
  }

  @Test
  void builtInModelsNeedOnnxRuntime() {
    assertThatThrownBy(() -> Embedder.open(ModelSpec.defaults().withEngine(EngineChoice.PYTORCH)))
        .satisfiesAnyOf(
            e -> assertThat(e).hasMessageStartingWith("Engine 'pytorch' is not on the classpath"),
            e -> assertThat(e).hasMessageStartingWith("Invalid option 'engine': 'pytorch'"));
  }
}
