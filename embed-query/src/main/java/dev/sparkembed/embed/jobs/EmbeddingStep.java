package dev.sparkembed.embed.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The embedding stage of a batch job: adds a vector column (and the tokens fed to the model) to a
 * DataFrame of texts. The job knows nothing else of the engine. Driver only (the returned plan runs
 * on executors).
 */
public interface EmbeddingStep {

  /** The model's name, written into the target's {@code model} column. */
  String modelName();

  /** The vector length; may load the model on the driver the first time. */
  int dimension();

  /** Tokens per text the model reads; a text that reaches it was truncated. */
  int maxSequenceLength();

  /**
   * Returns {@code rows} with {@code outputColumn} ({@code array<float>}, the vector of {@code
   * textColumn}) and {@code tokenCountColumn} ({@code int}) added. Texts are never null or blank
   * here (the job skips those before).
   */
  Dataset<Row> embed(
      Dataset<Row> rows, String textColumn, String outputColumn, String tokenCountColumn);
}
