package dev.sparkembed.embed.service;

import java.util.List;

/**
 * What the service needs from a model: its description and one call that embeds many texts. The
 * engine's embedder is adapted to it on the executor that loaded it.
 */
public interface TextEmbedder {

  ModelInfo model();

  /** Embeds the texts in one model call (the engine may split it by its token budget). */
  Embeddings embed(List<String> texts);

  /**
   * The model time this thread's last {@link #embed} call cost, for the busy metric: its wall time
   * unless the engine ran it elsewhere (a work pool, where waiting for a turn must not count).
   */
  default long lastCallEngineNanos(long wallNanos) {
    return wallNanos;
  }
}
