package dev.sparkembed.embed.jobs;

import dev.sparkembed.embed.engine.Embedder;
import dev.sparkembed.embed.engine.ExecutorModels;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.embed.spark.EmbeddingTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The batch job's embedding stage on the real engine: {@link EmbeddingTransformer} (batched per
 * partition, one shared model per executor JVM). The model's facts (name, dimension, sequence
 * length) come from the driver's copy in {@link ExecutorModels}, loaded once. Driver only.
 */
public final class EngineEmbeddingStep implements EmbeddingStep {
  private final ModelSpec spec;

  public EngineEmbeddingStep(ModelSpec spec) {
    this.spec = spec;
  }

  public ModelSpec spec() {
    return spec;
  }

  private Embedder model() {
    return ExecutorModels.get(spec);
  }

  @Override
  public String modelName() {
    return model().modelName();
  }

  @Override
  public int dimension() {
    return model().dimension();
  }

  @Override
  public int maxSequenceLength() {
    return model().maxSequenceLength();
  }

  @Override
  public Dataset<Row> embed(
      Dataset<Row> rows, String textColumn, String outputColumn, String tokenCountColumn) {
    return new EmbeddingTransformer(spec)
        .setInputCol(textColumn)
        .setOutputCol(outputColumn)
        .setTokenCountCol(tokenCountColumn)
        .transform(rows);
  }
}
