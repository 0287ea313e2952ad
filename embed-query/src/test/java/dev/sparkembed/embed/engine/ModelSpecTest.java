package dev.sparkembed.embed.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

  @Test
  void defaultsAreMiniLmOnOnnxRuntimeAuto() {
    ModelSpec spec = ModelSpec.defaults();
    assertThat(spec.model()).isEqualTo("all-minilm-l6-v2");
    assertThat(spec.isBuiltIn()).isTrue();
    assertThat(spec.builtInModel()).contains(BuiltInModel.ALL_MINILM_L6_V2);
    assertThat(spec.device()).isEqualTo(DeviceChoice.AUTO);
    assertThat(spec.engine()).isEqualTo(EngineChoice.ONNX_RUNTIME);
    assertThat(spec.batchTokenBudget()).isEqualTo(ModelSpec.DEFAULT_BATCH_TOKEN_BUDGET);
    assertThat(spec.threads()).isZero();
  }

  @Test
  void parsesBuiltInNamesIgnoringCaseAndPaths() {
    assertThat(ModelSpec.parse("ALL-MiniLM-L6-v2-q").model()).isEqualTo("all-minilm-l6-v2-q");
    assertThat(ModelSpec.parse("bge-small-en-v1.5-q").builtInModel())
        .contains(BuiltInModel.BGE_SMALL_EN_V15_Q);
    ModelSpec path = ModelSpec.parse("/models/my-model");
    assertThat(path.isBuiltIn()).isFalse();
    assertThat(path.model()).isEqualTo("/models/my-model");
    assertThat(ModelSpec.parse("./m").isBuiltIn()).isFalse();
    assertThat(ModelSpec.parse("~/m").isBuiltIn()).isFalse();
  }

  @Test
  void withersAndBuilderSetEveryField() {
    ModelSpec spec =
        ModelSpec.parse("all-minilm-l6-v2-q")
            .withDevice("CUDA")
            .withEngine("pytorch")
            .withBatchTokenBudget(1024)
            .withThreads(3);
    assertThat(spec.device()).isEqualTo(DeviceChoice.CUDA);
    assertThat(spec.engine()).isEqualTo(EngineChoice.PYTORCH);
    assertThat(spec.batchTokenBudget()).isEqualTo(1024);
    assertThat(spec.threads()).isEqualTo(3);
    assertThat(spec.model()).isEqualTo("all-minilm-l6-v2-q");
    assertThat(
            ModelSpec.builder()
                .model("all-minilm-l6-v2-q")
                .device(DeviceChoice.CUDA)
                .engine(EngineChoice.PYTORCH)
                .batchTokenBudget(1024)
                .threads(3)
                .build())
        .isEqualTo(spec)
        .hasSameHashCodeAs(spec);
    assertThat(spec.withEngine(EngineChoice.ONNX_RUNTIME)).isNotEqualTo(spec);
    assertThat(spec.toString()).contains("all-minilm-l6-v2-q", "cuda", "pytorch", "1024");
  }

  @Test
  void invalidValuesListTheValidOnes() {
    assertThatThrownBy(() -> ModelSpec.parse("gpt-4"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid option 'model': 'gpt-4' (expected one of all-minilm-l6-v2, "
                + "all-minilm-l6-v2-q, bge-small-en-v1.5-q, or a model directory path "
                + "(containing model.onnx or model.pt and tokenizer.json))");
    assertThatThrownBy(() -> ModelSpec.parse(""))
        .hasMessageStartingWith("Invalid option 'model': ''");
    assertThatThrownBy(() -> ModelSpec.defaults().withDevice("gpu"))
        .hasMessage("Invalid option 'device': 'gpu' (expected one of auto, cpu, cuda)");
    assertThatThrownBy(() -> ModelSpec.defaults().withEngine("tensorflow"))
        .hasMessage("Invalid option 'engine': 'tensorflow' (expected one of onnxruntime, pytorch)");
    assertThatThrownBy(() -> ModelSpec.defaults().withBatchTokenBudget(0))
        .hasMessage("Invalid option 'batchTokenBudget': 0 (expected 16-1048576)");
    assertThatThrownBy(() -> ModelSpec.defaults().withThreads(-1))
        .hasMessage("Invalid option 'threads': -1 (expected 0-1024, 0 meaning the task's cores)");
  }

  @Test
  void serialisesSmall() throws Exception {
    ModelSpec spec = ModelSpec.parse("bge-small-en-v1.5-q").withDevice(DeviceChoice.CPU);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(spec);
    }
    assertThat(bytes.size()).isLessThan(1000);
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(spec);
    }
  }
}
