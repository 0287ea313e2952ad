package dev.sparkembed.embed.engine;

import ai.djl.engine.Engine;
import dev.sparkembed.embed.tokenize.DjlOffline;

/**
 * Starts DJL's ONNX Runtime engine in this JVM (offline). DJL creates the JVM's single {@code
 * OrtEnvironment} itself and fails for good if any other code (a raw ONNX Runtime session,
 * langchain4j) created it first; so code in this project that uses ONNX Runtime directly calls
 * {@link #init()} before it. Idempotent and cheap after the first call; driver and executors.
 */
public final class EngineRuntime {
  private static volatile boolean started;

  private EngineRuntime() {}

  /**
   * @throws ModelLoadException when the engine cannot start, e.g. because an {@code OrtEnvironment}
   *     was created before DJL's
   */
  public static void init() {
    if (started) {
      return;
    }
    synchronized (EngineRuntime.class) {
      if (started) {
        return;
      }
      DjlOffline.apply();
      try {
        Engine.getEngine(EngineChoice.ONNX_RUNTIME.djlName());
      } catch (RuntimeException | LinkageError e) {
        throw new ModelLoadException(
            "Cannot start DJL's ONNX Runtime engine: "
                + EngineErrors.rootMessage(e)
                + " (if something in this JVM created an ai.onnxruntime.OrtEnvironment before "
                + "the first model loaded, call dev.sparkembed.embed.engine.EngineRuntime.init() "
                + "before it)",
            e);
      }
      started = true;
    }
  }
}
