package dev.sparkembed.embed.engine;

import dev.sparkembed.serving.conf.ServingErrors;
import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;

/**
 * What to load and how: a built-in model name or a model directory, the device, the engine, the
 * token budget of one inference batch and the engine's thread count. Immutable and small: it is
 * built on the driver and shipped to executors, where {@link ExecutorModels#get} turns it into a
 * loaded {@link Embedder}. Every value is validated when set, with errors listing valid values.
 */
public final class ModelSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String DEFAULT_MODEL = BuiltInModel.ALL_MINILM_L6_V2.modelName();
  public static final int DEFAULT_BATCH_TOKEN_BUDGET = 8192;
  public static final int MIN_BATCH_TOKEN_BUDGET = 16;
  public static final int MAX_BATCH_TOKEN_BUDGET = 1 << 20;
  public static final int MAX_THREADS = 1024;

  private final String model;
  private final boolean builtIn;
  private final DeviceChoice device;
  private final EngineChoice engine;
  private final int batchTokenBudget;
  private final int threads;

  private ModelSpec(Builder b) {
    this.model = b.model;
    this.builtIn = b.builtIn;
    this.device = b.device;
    this.engine = b.engine;
    this.batchTokenBudget = b.batchTokenBudget;
    this.threads = b.threads;
  }

  /** The default: all-MiniLM-L6-v2 (fp32) on ONNX Runtime, device auto. */
  public static ModelSpec defaults() {
    return builder().build();
  }

  /**
   * A built-in model name ({@code all-minilm-l6-v2}, {@code all-minilm-l6-v2-q}, {@code
   * bge-small-en-v1.5-q}) or a model directory path, with default options. A path is anything with
   * a path separator, starting with {@code .} or {@code ~}, or naming an existing file; it is read
   * where the model loads (an executor), so it is not checked here.
   */
  public static ModelSpec parse(String modelNameOrPath) {
    return builder().model(modelNameOrPath).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.model = model;
    b.builtIn = builtIn;
    b.device = device;
    b.engine = engine;
    b.batchTokenBudget = batchTokenBudget;
    b.threads = threads;
    return b;
  }

  public ModelSpec withModel(String modelNameOrPath) {
    return toBuilder().model(modelNameOrPath).build();
  }

  public ModelSpec withDevice(DeviceChoice newDevice) {
    return toBuilder().device(newDevice).build();
  }

  public ModelSpec withDevice(String newDevice) {
    return toBuilder().device(newDevice).build();
  }

  public ModelSpec withEngine(EngineChoice newEngine) {
    return toBuilder().engine(newEngine).build();
  }

  public ModelSpec withEngine(String newEngine) {
    return toBuilder().engine(newEngine).build();
  }

  public ModelSpec withBatchTokenBudget(int tokens) {
    return toBuilder().batchTokenBudget(tokens).build();
  }

  public ModelSpec withThreads(int newThreads) {
    return toBuilder().threads(newThreads).build();
  }

  /** The built-in model's name, or the model path as given. */
  public String model() {
    return model;
  }

  public boolean isBuiltIn() {
    return builtIn;
  }

  public Optional<BuiltInModel> builtInModel() {
    return builtIn ? BuiltInModel.byName(model) : Optional.empty();
  }

  public DeviceChoice device() {
    return device;
  }

  public EngineChoice engine() {
    return engine;
  }

  /** The most tokens (padded rows x longest row) fed to the model in one inference call. */
  public int batchTokenBudget() {
    return batchTokenBudget;
  }

  /**
   * Engine threads per model; 0 (default) means the cores a Spark task owns ({@code
   * spark.task.cpus}) inside a task, all available cores outside Spark.
   */
  public int threads() {
    return threads;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ModelSpec)) {
      return false;
    }
    ModelSpec that = (ModelSpec) o;
    return builtIn == that.builtIn
        && batchTokenBudget == that.batchTokenBudget
        && threads == that.threads
        && model.equals(that.model)
        && device == that.device
        && engine == that.engine;
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, builtIn, device, engine, batchTokenBudget, threads);
  }

  @Override
  public String toString() {
    return "ModelSpec{model="
        + model
        + (builtIn ? " (built-in)" : " (path)")
        + ", device="
        + device.cliName()
        + ", engine="
        + engine.cliName()
        + ", batchTokenBudget="
        + batchTokenBudget
        + ", threads="
        + (threads == 0 ? "auto" : threads)
        + "}";
  }

  /** Builds a {@link ModelSpec}; each setter validates its value at once. */
  public static final class Builder {
    private String model = DEFAULT_MODEL;
    private boolean builtIn = true;
    private DeviceChoice device = DeviceChoice.AUTO;
    private EngineChoice engine = EngineChoice.ONNX_RUNTIME;
    private int batchTokenBudget = DEFAULT_BATCH_TOKEN_BUDGET;
    private int threads = 0;

    private Builder() {}

    public Builder model(String modelNameOrPath) {
      Optional<BuiltInModel> named = BuiltInModel.byName(modelNameOrPath);
      if (named.isPresent()) {
        this.model = named.get().modelName();
        this.builtIn = true;
      } else if (looksLikePath(modelNameOrPath)) {
        this.model = modelNameOrPath.strip();
        this.builtIn = false;
      } else {
        throw ServingErrors.invalidOption(
            "model",
            EngineErrors.shown(modelNameOrPath),
            "one of "
                + String.join(", ", BuiltInModel.names())
                + ", or a model directory path (containing model.onnx or model.pt and "
                + "tokenizer.json)");
      }
      return this;
    }

    public Builder device(DeviceChoice newDevice) {
      if (newDevice == null) {
        throw ServingErrors.invalidOption(
            "device",
            EngineErrors.shown(null),
            EngineErrors.oneOf(EngineErrors.names(DeviceChoice.class)));
      }
      this.device = newDevice;
      return this;
    }

    public Builder device(String newDevice) {
      return device(DeviceChoice.parse(newDevice));
    }

    public Builder engine(EngineChoice newEngine) {
      if (newEngine == null) {
        throw ServingErrors.invalidOption(
            "engine", EngineErrors.shown(null), EngineErrors.oneOf(EngineChoice.cliNames()));
      }
      this.engine = newEngine;
      return this;
    }

    public Builder engine(String newEngine) {
      return engine(EngineChoice.parse(newEngine));
    }

    public Builder batchTokenBudget(int tokens) {
      if (tokens < MIN_BATCH_TOKEN_BUDGET || tokens > MAX_BATCH_TOKEN_BUDGET) {
        throw ServingErrors.invalidOption(
            "batchTokenBudget",
            EngineErrors.shown(tokens),
            MIN_BATCH_TOKEN_BUDGET + "-" + MAX_BATCH_TOKEN_BUDGET);
      }
      this.batchTokenBudget = tokens;
      return this;
    }

    public Builder threads(int newThreads) {
      if (newThreads < 0 || newThreads > MAX_THREADS) {
        throw ServingErrors.invalidOption(
            "threads",
            EngineErrors.shown(newThreads),
            "0-" + MAX_THREADS + ", 0 meaning the task's cores");
      }
      this.threads = newThreads;
      return this;
    }

    public ModelSpec build() {
      return new ModelSpec(this);
    }

    private static boolean looksLikePath(String s) {
      if (s == null || s.isBlank()) {
        return false;
      }
      String v = s.strip();
      return v.contains("/")
          || v.contains("\\")
          || v.startsWith(".")
          || v.startsWith("~")
          || exists(v);
    }

    private static boolean exists(String v) {
      try {
        return java.nio.file.Files.exists(java.nio.file.Path.of(v));
      } catch (java.nio.file.InvalidPathException e) {
        return false;
      }
    }
  }
}
