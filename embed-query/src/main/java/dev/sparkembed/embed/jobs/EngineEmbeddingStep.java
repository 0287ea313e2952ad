package dev.sparkembed.embed.jobs;

import dev.sparkembed.embed.engine.Embedder;
import dev.sparkembed.embed.engine.ExecutorModels;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.embed.spark.EmbeddingTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The batch job's embedding stage on the real engine: {@link EmbeddingTransformer} (batched per
 * partition, one shared model per executor JVM). The model's facts (name, dimension, sequence
 * length) come from the driver's copy in {@link ExecutorModels}, loaded once. Driver only.
 *
 * <p>Build it with {@link #forTasks} so the model's engine threads are the cores of one task.
 */
public final class EngineEmbeddingStep implements EmbeddingStep {
  private final ModelSpec spec;

  public EngineEmbeddingStep(ModelSpec spec) {
    this.spec = spec;
  }

  /**
   * A step whose model runs with the threads of one task ({@code spark.task.cpus}) unless the spec
   * fixes them. Why: the driver asks for the model's facts outside any task, where "auto" means
   * every core, so an unpinned spec would load a second, all-cores copy on the driver beside the
   * one the tasks use ({@link ExecutorModels} keys models by their threads). Pinned, in local mode
   * the driver loads the very model the tasks use.
   */
  public static EngineEmbeddingStep forTasks(SparkSession spark, ModelSpec spec) {
    if (spec.threads() > 0) {
      return new EngineEmbeddingStep(spec);
    }
    int taskCpus = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
    return new EngineEmbeddingStep(
        spec.withThreads(Math.max(1, Math.min(taskCpus, ModelSpec.MAX_THREADS))));
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
