package dev.sparkembed.embed.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sparkembed.embed.engine.Embedder;
import dev.sparkembed.embed.engine.EmbeddingResult;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.embed.engine.ReferenceVectors;
import dev.sparkembed.embed.engine.TorchScriptModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The transformer on a real local[2] session with the PyTorch engine: the same vectors as the
 * engine called directly, and the reference vectors (see {@link TorchScriptModel}).
 */
class EmbeddingTransformerPyTorchTest {
  private static final ReferenceVectors REF = ReferenceVectors.load();

  @Test
  void givesTheEnginesVectorsOnSparkTasks() {
    ModelSpec spec = TorchScriptModel.cpuSpec();
    EmbeddingResult direct;
    try (Embedder engine = Embedder.open(spec.withThreads(1))) {
      direct = engine.embed(REF.texts);
    }
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("EmbeddingTransformerPyTorchTest")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    try {
      StructType schema =
          new StructType()
              .add("id", DataTypes.IntegerType, false)
              .add("text", DataTypes.StringType, true);
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < REF.texts.size(); i++) {
        rows.add(RowFactory.create(i, REF.texts.get(i)));
      }
      rows.add(RowFactory.create(100, null));
      Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(2);
      List<Row> out =
          new EmbeddingTransformer(spec)
              .setInputCol("text")
              .setOutputCol("embedding")
              .setBatchSize(4)
              .transform(df)
              .collectAsList();
      assertThat(out).hasSize(REF.texts.size() + 1);
      for (Row row : out) {
        int id = row.getInt(0);
        if (id == 100) {
          assertThat(row.isNullAt(2)).as("null text, null vector").isTrue();
          continue;
        }
        float[] v = EmbeddingTransformerTest.toFloats(row.getList(2));
        assertThat(ReferenceVectors.cosine(v, direct.vectors()[id]))
            .as("transformer vs engine for %s", REF.texts.get(id))
            .isGreaterThanOrEqualTo(0.99999);
        assertThat(ReferenceVectors.cosine(v, REF.vectors.get(id)))
            .as("transformer vs reference for %s", REF.texts.get(id))
            .isGreaterThanOrEqualTo(0.9999);
      }
    } finally {
      spark.stop();
    }
  }
}
