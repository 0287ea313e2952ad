package dev.sparkembed.embed.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The TorchScript all-MiniLM-L6-v2 that {@code scripts/export-torchscript.sh DIR} writes, named by
 * the system property {@value #PROPERTY} (scripts/ci-pytorch.sh passes it to a {@code -Ppytorch}
 * build). Tests that need it are skipped, saying why, when the property is not set or the PyTorch
 * engine is not on the classpath; a set property that names no model fails them.
 */
public final class TorchScriptModel {
  public static final String PROPERTY = "spark.embed.test.torchscriptDir";

  private TorchScriptModel() {}

  /** The model directory; skips the calling test when there is none to test. */
  public static Path dir() {
    String dir = System.getProperty(PROPERTY, "");
    Assumptions.assumeTrue(
        EngineChoice.PYTORCH.isOnClasspath(), "needs the PyTorch engine: build with -Ppytorch");
    Assumptions.assumeFalse(
        dir.isBlank(),
        "needs -D" + PROPERTY + "=DIR, a model made by scripts/export-torchscript.sh DIR");
    Path path = Path.of(dir).toAbsolutePath();
    if (!Files.isRegularFile(path.resolve("model.pt"))) {
      throw new IllegalStateException(
          PROPERTY + "=" + dir + " has no model.pt: run scripts/export-torchscript.sh " + dir);
    }
    return path;
  }

  /** The CPU spec of the model with the PyTorch engine. */
  public static ModelSpec cpuSpec() {
    return ModelSpec.parse(dir().toString())
        .withEngine(EngineChoice.PYTORCH)
        .withDevice(DeviceChoice.CPU);
  }
}
