package dev.sparkembed.embed.jobs;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A stand-in model computed by Spark expressions: cheap, deterministic 4-float vectors. */
final class ExpressionEmbeddingStep implements EmbeddingStep {
  @Override
  public String modelName() {
    return "expression-test-model";
  }

  @Override
  public int dimension() {
    return 4;
  }

  @Override
  public int maxSequenceLength() {
    return 8;
  }

  /** The vector this step gives a text, computed the same way in plain Java for assertions. */
  static float[] expected(String text) {
    return new float[] {text.length(), (float) text.split(" ").length, 1f, 0.5f};
  }

  @Override
  public Dataset<Row> embed(Dataset<Row> rows, String text, String output, String tokens) {
    return rows.withColumn(
            output,
            array(
                    length(col(text)).cast("float"),
                    size(split(col(text), " ")).cast("float"),
                    lit(1f),
                    lit(0.5f))
                .cast("array<float>"))
        .withColumn(tokens, size(split(col(text), " ")).plus(hash(col(text)).multiply(0)));
  }
}
