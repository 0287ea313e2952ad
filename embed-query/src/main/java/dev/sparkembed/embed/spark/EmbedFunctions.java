package dev.sparkembed.embed.spark;

import dev.sparkembed.embed.engine.ExecutorModels;
import dev.sparkembed.embed.engine.ModelSpec;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * Registers the SQL function {@code embed(text)} returning {@code array<float>} (null for null
 * text). Usable from SQL, the DataFrame API ({@code call_udf("embed", col("text"))}) and PySpark
 * ({@code spark._jvm.dev.sparkembed.embed.spark.EmbedFunctions.register(spark._jsparkSession,
 * "all-minilm-l6-v2")}). It embeds one row at a time; for bulk work {@link EmbeddingTransformer}
 * batches and is much faster. Registered on the driver; runs on executors with the JVM's shared
 * model.
 */
public final class EmbedFunctions {
  public static final String DEFAULT_NAME = "embed";

  private EmbedFunctions() {}

  /** Registers {@code embed(text)} with the default model. */
  public static void register(SparkSession spark) {
    register(spark, DEFAULT_NAME, ModelSpec.defaults());
  }

  /** Registers {@code embed(text)} with the given model (a convenience for PySpark). */
  public static void register(SparkSession spark, String modelNameOrPath) {
    register(spark, DEFAULT_NAME, ModelSpec.parse(modelNameOrPath));
  }

  public static void register(SparkSession spark, ModelSpec spec) {
    register(spark, DEFAULT_NAME, spec);
  }

  public static void register(SparkSession spark, String functionName, ModelSpec spec) {
    spark
        .udf()
        .register(
            functionName,
            new EmbedUdf(spec),
            DataTypes.createArrayType(DataTypes.FloatType, false));
  }

  /** The function body; only the spec travels to executors. */
  static final class EmbedUdf implements UDF1<String, float[]> {
    private static final long serialVersionUID = 1L;
    private final ModelSpec spec;

    EmbedUdf(ModelSpec spec) {
      this.spec = spec;
    }

    @Override
    public float[] call(String text) {
      return text == null ? null : ExecutorModels.get(spec).embed(text);
    }
  }
}
