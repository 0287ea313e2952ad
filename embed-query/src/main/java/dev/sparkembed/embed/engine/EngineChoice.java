package dev.sparkembed.embed.engine;

import dev.sparkembed.serving.conf.ServingErrors;
import java.util.ArrayList;
import java.util.List;

/**
 * Which DJL engine runs the model: ONNX Runtime (default, for {@code model.onnx}) or PyTorch (for
 * TorchScript {@code model.pt}; its native libraries come with the Maven profile {@code
 * -Ppytorch}). Chosen on the driver (part of {@link ModelSpec}), acted on by executors.
 */
public enum EngineChoice {
  ONNX_RUNTIME("onnxruntime", "OnnxRuntime", "ai.djl.onnxruntime.engine.OrtEngine", "model.onnx"),
  PYTORCH("pytorch", "PyTorch", "ai.djl.pytorch.engine.PtEngine", "model.pt");

  private final String cliName;
  private final String djlName;
  private final String engineClass;
  private final String modelFileName;

  EngineChoice(String cliName, String djlName, String engineClass, String modelFileName) {
    this.cliName = cliName;
    this.djlName = djlName;
    this.engineClass = engineClass;
    this.modelFileName = modelFileName;
  }

  /** Parses {@code onnxruntime|pytorch} (any case, DJL's names too); else lists valid values. */
  public static EngineChoice parse(String value) {
    if (value != null) {
      String v = value.strip();
      for (EngineChoice e : values()) {
        if (e.cliName.equalsIgnoreCase(v) || e.djlName.equalsIgnoreCase(v)) {
          return e;
        }
      }
    }
    throw ServingErrors.invalidOption(
        "engine", EngineErrors.shown(value), EngineErrors.oneOf(cliNames()));
  }

  static List<String> cliNames() {
    List<String> names = new ArrayList<>();
    for (EngineChoice e : values()) {
      names.add(e.cliName);
    }
    return names;
  }

  /** The engines whose DJL classes are on this JVM's classpath. */
  static List<String> availableNames() {
    List<String> names = new ArrayList<>();
    for (EngineChoice e : values()) {
      if (e.isOnClasspath()) {
        names.add(e.cliName);
      }
    }
    return names;
  }

  public String cliName() {
    return cliName;
  }

  /** The engine's name in DJL ({@code Engine.getEngine(name)}). */
  public String djlName() {
    return djlName;
  }

  /** The model file this engine loads from a model directory. */
  public String modelFileName() {
    return modelFileName;
  }

  boolean isOnClasspath() {
    try {
      Class.forName(engineClass, false, EngineChoice.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  String howToEnable() {
    return this == PYTORCH
        ? "build spark-embed with the Maven profile -Ppytorch (adds ai.djl.pytorch:pytorch-engine "
            + "and the offline pytorch-native-cpu libraries)"
        : "add ai.djl.onnxruntime:onnxruntime-engine to the classpath";
  }
}
