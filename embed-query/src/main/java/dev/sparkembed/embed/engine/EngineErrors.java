package dev.sparkembed.embed.engine;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Builds every user-facing error of the embedding engine and its Spark integration, so that all
 * messages say what was wrong, the bad value, and what was expected. Used on the driver (option
 * validation) and on executors (model loading).
 */
public final class EngineErrors {
  private EngineErrors() {}

  /**
   * How engine messages show a bad value: strings quoted, {@code Invalid option 'device': 'gpu'}.
   */
  public static Object shown(Object value) {
    return value instanceof String ? "'" + value + "'" : value;
  }

  /** {@code one of auto, cpu, cuda}, for the "expected" part of an option error. */
  public static String oneOf(Collection<String> validValues) {
    return "one of " + String.join(", ", validValues);
  }

  /** The lower-case names of an enum's constants, for "expected one of ..." lists. */
  static <E extends Enum<E>> java.util.List<String> names(Class<E> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(e -> e.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.toList());
  }

  static ModelLoadException missingFile(Path path, String what) {
    return new ModelLoadException("Cannot load model: " + what + " not found: " + path);
  }

  static ModelLoadException unreadable(Path path, String what, Throwable cause) {
    return new ModelLoadException(
        "Cannot load model: " + what + " " + path + " is not valid: " + rootMessage(cause), cause);
  }

  static ModelLoadException engineMissing(EngineChoice engine) {
    return new ModelLoadException(
        "Engine '"
            + engine.cliName()
            + "' is not on the classpath: "
            + engine.howToEnable()
            + " (available here: "
            + EngineChoice.availableNames()
            + ")");
  }

  static ModelLoadException pytorchNotStarted(Throwable cause) {
    return new ModelLoadException(
        "Cannot start DJL's PyTorch engine: "
            + rootMessage(cause)
            + " (its native libraries come from the jars of the Maven profile -Ppytorch, "
            + "ai.djl.pytorch:pytorch-native-cpu and pytorch-jni, or from the directory "
            + "PYTORCH_LIBRARY_PATH names, with PYTORCH_VERSION and PYTORCH_FLAVOR; DJL runs "
            + "offline here, so it downloads none: -Dai.djl.offline=false would allow that)",
        cause);
  }

  static IllegalArgumentException nullText(int index) {
    return new IllegalArgumentException(
        "Invalid text at index "
            + index
            + ": null (expected a string; the Spark transformer and "
            + "embed() map null text to a null vector)");
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage();
    return msg == null ? root.getClass().getSimpleName() : msg.strip();
  }
}
