package dev.sparkembed.embed.engine;

import java.util.List;

/**
 * A loaded embedding model: text in, L2-normalised vectors out. Implementations are thread-safe:
 * many Spark tasks of one executor JVM share one instance through {@link ExecutorModels}.
 *
 * <p>Use {@link ExecutorModels#get} inside Spark (one model per JVM, never closed by the caller)
 * and {@link #open} for a private instance that the caller closes. Lives where it is loaded: an
 * executor, or the driver (CLI, local mode).
 */
public interface Embedder extends AutoCloseable {

  /**
   * Embeds the texts (none may be null; empty and blank texts are valid) in batches by the spec's
   * token budget. The result keeps the input order.
   *
   * @throws IllegalArgumentException naming the index of a null text
   */
  EmbeddingResult embed(List<String> texts);

  /** Embeds one text. */
  default float[] embed(String text) {
    return embed(List.of(text)).vectors()[0];
  }

  /** The vector length (384 for the built-in models). */
  int dimension();

  /** The built-in model's name, or the model directory's name. */
  String modelName();

  /** Word pieces per text, special tokens included; longer texts are truncated (and counted). */
  int maxSequenceLength();

  /** Where the model runs: {@code cpu} or {@code cuda:N}. */
  String device();

  /** Releases the native session and tokenizer. */
  @Override
  void close();

  /**
   * Loads a private instance of the model (not shared through {@link ExecutorModels}); the caller
   * closes it. Threads: the spec's, or all available cores when the spec says 0.
   *
   * @throws ModelLoadException naming the file that is missing or invalid
   */
  static Embedder open(ModelSpec spec) {
    int threads = spec.threads() > 0 ? spec.threads() : Runtime.getRuntime().availableProcessors();
    return DjlEmbedder.load(spec, threads, 0);
  }
}
