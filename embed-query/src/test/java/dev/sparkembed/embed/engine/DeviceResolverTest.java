package dev.sparkembed.embed.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Device choice on this CPU-only machine: CUDA falls back to the CPU with one warning. */
class DeviceResolverTest {

  @Test
  void cudaWithoutCudaFallsBackToCpuWarningOnce() {
    List<String> warnings = new ArrayList<>();
    DeviceResolver resolver = new DeviceResolver(warnings::add);
    for (int i = 0; i < 3; i++) {
      assertThat(resolver.resolve(DeviceChoice.CUDA, () -> false, EngineChoice.ONNX_RUNTIME, 0))
          .isEqualTo(DeviceResolver.CPU);
    }
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0))
        .contains("Device cuda was requested", "running on the CPU instead", "-Pgpu");
  }

  @Test
  void autoPicksCudaOnlyWhenPresentAndUsesTheAssignedGpu() {
    List<String> warnings = new ArrayList<>();
    DeviceResolver resolver = new DeviceResolver(warnings::add);
    assertThat(resolver.resolve(DeviceChoice.AUTO, () -> false, EngineChoice.ONNX_RUNTIME, 1))
        .isEqualTo(DeviceResolver.CPU);
    assertThat(resolver.resolve(DeviceChoice.AUTO, () -> true, EngineChoice.ONNX_RUNTIME, 1))
        .isEqualTo(1);
    assertThat(resolver.resolve(DeviceChoice.CUDA, () -> true, EngineChoice.ONNX_RUNTIME, 3))
        .isEqualTo(3);
    assertThat(resolver.resolve(DeviceChoice.CPU, () -> true, EngineChoice.ONNX_RUNTIME, 1))
        .isEqualTo(DeviceResolver.CPU);
    assertThat(warnings).isEmpty();
  }

  @Test
  void thisCpuBuildHasNoCudaAndACudaSpecStillEmbedsOnTheCpu() {
    assertThat(DeviceResolver.cudaAvailable(EngineChoice.ONNX_RUNTIME)).isFalse();
    try (Embedder e = Embedder.open(ModelSpec.defaults().withDevice(DeviceChoice.CUDA))) {
      assertThat(e.device()).isEqualTo("cpu");
      ReferenceVectors ref = ReferenceVectors.load();
      assertThat(ReferenceVectors.cosine(e.embed(ref.texts.get(0)), ref.vectors.get(0)))
          .isGreaterThanOrEqualTo(0.9999);
    }
  }
}
