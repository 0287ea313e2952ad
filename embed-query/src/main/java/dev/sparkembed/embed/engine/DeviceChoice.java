package dev.sparkembed.embed.engine;

import dev.sparkembed.serving.conf.ServingErrors;
import java.util.Locale;

/**
 * Where a model runs. {@link #AUTO} picks CUDA when this JVM's engine has a usable CUDA provider,
 * else the CPU; {@link #CUDA} asks for the GPU and falls back to the CPU with one warning where
 * there is none. On a GPU executor the device index is the GPU Spark assigned to the task. Chosen
 * on the driver (part of {@link ModelSpec}), acted on by executors.
 */
public enum DeviceChoice {
  AUTO,
  CPU,
  CUDA;

  /** Parses {@code auto|cpu|cuda} (any case); otherwise an error listing the valid values. */
  public static DeviceChoice parse(String value) {
    if (value != null) {
      for (DeviceChoice d : values()) {
        if (d.name().equalsIgnoreCase(value.strip())) {
          return d;
        }
      }
    }
    throw ServingErrors.invalidOption(
        "device",
        EngineErrors.shown(value),
        EngineErrors.oneOf(EngineErrors.names(DeviceChoice.class)));
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
