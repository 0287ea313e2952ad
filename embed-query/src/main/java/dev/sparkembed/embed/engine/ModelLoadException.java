package dev.sparkembed.embed.engine;

/**
 * A model (or its tokenizer or configs) could not be loaded; the message names the file. Thrown
 * where the model loads: on executors, or in the driver for local use.
 */
public final class ModelLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
