package dev.sparkembed.embed.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sparkembed.embed.engine.DeviceChoice;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.embed.engine.ReferenceVectors;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SQL function embed(text) on a real local[2] session. */
class EmbedFunctionsTest {
  private static final ReferenceVectors REF = ReferenceVectors.load();
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("EmbedFunctionsTest")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    EmbedFunctions.register(spark, ModelSpec.defaults().withDevice(DeviceChoice.CPU));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void embedsFromSqlWithNullsAndEmpties() {
    spark
        .createDataset(
            List.of(REF.texts.get(0), REF.texts.get(11)), org.apache.spark.sql.Encoders.STRING())
        .toDF("text")
        .createOrReplaceTempView("texts");
    List<Row> rows =
        spark
            .sql(
                "SELECT text, embed(text) AS e FROM texts "
                    + "UNION ALL SELECT 'null', embed(CAST(NULL AS STRING)) "
                    + "UNION ALL SELECT 'empty', embed('')")
            .collectAsList();
    assertThat(spark.sql("SELECT embed('x') AS e").schema().apply("e").dataType())
        .isEqualTo(new ArrayType(DataTypes.FloatType, false));
    assertThat(rows).hasSize(4);
    for (Row row : rows) {
      String text = row.getString(0);
      if (text.equals("null")) {
        assertThat(row.isNullAt(1)).isTrue();
        continue;
      }
      float[] v = EmbeddingTransformerTest.toFloats(row.getList(1));
      assertThat(v).hasSize(384);
      if (text.equals("empty")) {
        assertThat(ReferenceVectors.norm(v)).isBetween(0.99999, 1.00001);
      } else {
        int i = REF.texts.indexOf(text);
        assertThat(ReferenceVectors.cosine(v, REF.vectors.get(i))).isGreaterThanOrEqualTo(0.9999);
      }
    }
  }
}
