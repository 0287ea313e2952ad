package dev.sparkembed.embed.spark;

import dev.sparkembed.embed.engine.EngineErrors;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.serving.conf.ServingErrors;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.encoders.RowEncoder;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Embeds a text column of a DataFrame, partition by partition in batches (not a row-at-a-time UDF):
 * the fast path of the embedding service and the batch job. Keeps every input column and appends
 * {@code outputCol} as {@code array<float>} (null for null text; empty text gives a valid vector)
 * and, when {@link #setTokenCountCol} is set, the tokens fed to the model per row.
 *
 * <p>Configured and validated on the driver; the work runs on executors, where each JVM loads the
 * model once ({@code ExecutorModels}).
 *
 * <pre>{@code
 * Dataset<Row> out = new EmbeddingTransformer(ModelSpec.parse("all-minilm-l6-v2"))
 *     .setInputCol("text").setOutputCol("embedding").transform(df);
 * }</pre>
 */
public final class EmbeddingTransformer implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final int DEFAULT_BATCH_SIZE = 256;
  public static final int MAX_BATCH_SIZE = 1 << 16;

  private final ModelSpec spec;
  private String inputCol = "text";
  private String outputCol = "embedding";
  private String tokenCountCol;
  private int batchSize = DEFAULT_BATCH_SIZE;

  /** A transformer for the default model (all-MiniLM-L6-v2). */
  public EmbeddingTransformer() {
    this(ModelSpec.defaults());
  }

  public EmbeddingTransformer(ModelSpec spec) {
    if (spec == null) {
      throw ServingErrors.invalidOption("model", EngineErrors.shown(null), "a ModelSpec");
    }
    this.spec = spec;
  }

  public EmbeddingTransformer setInputCol(String column) {
    this.inputCol = requireName("inputCol", column);
    return this;
  }

  public EmbeddingTransformer setOutputCol(String column) {
    this.outputCol = requireName("outputCol", column);
    return this;
  }

  /** Also output the tokens fed to the model per row ({@code int}, null for null text). */
  public EmbeddingTransformer setTokenCountCol(String column) {
    this.tokenCountCol = requireName("tokenCountCol", column);
    return this;
  }

  /** Rows handed to the model per call (the model further splits them by its token budget). */
  public EmbeddingTransformer setBatchSize(int rows) {
    if (rows < 1 || rows > MAX_BATCH_SIZE) {
      throw ServingErrors.invalidOption(
          "batchSize", EngineErrors.shown(rows), "1-" + MAX_BATCH_SIZE);
    }
    this.batchSize = rows;
    return this;
  }

  public ModelSpec getModelSpec() {
    return spec;
  }

  public String getInputCol() {
    return inputCol;
  }

  public String getOutputCol() {
    return outputCol;
  }

  public String getTokenCountCol() {
    return tokenCountCol;
  }

  public int getBatchSize() {
    return batchSize;
  }

  /** The output schema; fails naming the column when the input is missing or not a string. */
  public StructType transformSchema(StructType schema) {
    String[] names = schema.fieldNames();
    if (!Arrays.asList(names).contains(inputCol)) {
      throw ServingErrors.invalidOption(
          "inputCol",
          EngineErrors.shown(inputCol),
          "a string column of the input, one of " + Arrays.toString(names));
    }
    if (!schema.apply(inputCol).dataType().equals(DataTypes.StringType)) {
      throw ServingErrors.invalidOption(
          "inputCol",
          EngineErrors.shown(inputCol),
          "a string column, but it is " + schema.apply(inputCol).dataType().simpleString());
    }
    requireNew(names, "outputCol", outputCol);
    StructType out = schema.add(outputCol, DataTypes.createArrayType(DataTypes.FloatType, false));
    if (tokenCountCol != null) {
      requireNew(names, "tokenCountCol", tokenCountCol);
      if (tokenCountCol.equals(outputCol)) {
        throw ServingErrors.invalidOption(
            "tokenCountCol", EngineErrors.shown(tokenCountCol), "a name other than outputCol");
      }
      out = out.add(tokenCountCol, DataTypes.IntegerType);
    }
    return out;
  }

  /** Appends the embedding column (and the token count column) to every row. */
  public Dataset<Row> transform(Dataset<?> dataset) {
    Dataset<Row> df = dataset.toDF();
    StructType out = transformSchema(df.schema());
    int textIndex = df.schema().fieldIndex(inputCol);
    return df.mapPartitions(
        new EmbedPartitions(spec, textIndex, batchSize, tokenCountCol != null),
        RowEncoder.apply(out));
  }

  private static void requireNew(String[] names, String option, String column) {
    if (Arrays.asList(names).contains(column)) {
      throw ServingErrors.invalidOption(
          option,
          EngineErrors.shown(column),
          "a column name not already in the input " + Arrays.toString(names));
    }
  }

  private static String requireName(String option, String column) {
    if (column == null || column.isBlank()) {
      throw ServingErrors.invalidOption(
          option, EngineErrors.shown(column), "a non-empty column name");
    }
    return column;
  }
}
