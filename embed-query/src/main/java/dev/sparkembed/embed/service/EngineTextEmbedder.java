package dev.sparkembed.embed.service;

import dev.sparkembed.embed.engine.Embedder;
import dev.sparkembed.embed.engine.EmbeddingResult;
import dev.sparkembed.embed.engine.EmbeddingWorkPool;
import java.util.List;

/**
 * The engine's {@link Embedder} as the service's {@link TextEmbedder}. Runs on the executor that
 * holds the model.
 *
 * <p>The engine reports how many texts of a call were truncated, not which: a text counts as
 * truncated when the call truncated any and the text filled the whole context. A text that fits the
 * context exactly, in a call where another text was cut, is therefore also reported as truncated
 * (only Ollama's {@code "truncate": false} looks at this).
 */
public final class EngineTextEmbedder implements TextEmbedder {
  private final Embedder embedder;
  private final ModelInfo model;

  public EngineTextEmbedder(Embedder embedder) {
    this.embedder = embedder;
    this.model =
        new ModelInfo(embedder.modelName(), embedder.dimension(), embedder.maxSequenceLength());
  }

  @Override
  public ModelInfo model() {
    return model;
  }

  @Override
  public Embeddings embed(List<String> texts) {
    EmbeddingResult r = embedder.embed(texts);
    boolean[] truncated = new boolean[r.size()];
    if (r.truncatedCount() > 0) {
      for (int i = 0; i < truncated.length; i++) {
        truncated[i] = r.tokenCounts()[i] >= model.maxSequenceLength();
      }
    }
    return new Embeddings(r.vectors(), r.tokenCounts(), truncated);
  }

  @Override
  public long lastCallEngineNanos(long wallNanos) {
    long pooled = EmbeddingWorkPool.lastCallEngineNanos();
    return pooled >= 0 ? pooled : wallNanos;
  }
}
