package dev.sparkembed.embed.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sparkembed.embed.engine.DeviceChoice;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.embed.engine.ReferenceVectors;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The batching transformer on a real local[2] session with the real model. */
class EmbeddingTransformerTest {
  private static final ReferenceVectors REF = ReferenceVectors.load();
  private static final ModelSpec SPEC = ModelSpec.defaults().withDevice(DeviceChoice.CPU);
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("EmbeddingTransformerTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> input() {
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("text", DataTypes.StringType, true)
            .add("tag", DataTypes.StringType, true);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < REF.texts.size(); i++) {
      rows.add(RowFactory.create(i, REF.texts.get(i), "t" + i));
    }
    rows.add(RowFactory.create(100, null, "null text"));
    rows.add(RowFactory.create(101, "", "empty text"));
    // Three partitions, so rows of one partition go through several batches of 4.
    return spark.createDataFrame(rows, schema).repartition(3);
  }

  @Test
  void embedsEveryRowKeepingColumnsNullsAndEmpties() {
    Dataset<Row> out =
        new EmbeddingTransformer(SPEC)
            .setInputCol("text")
            .setOutputCol("embedding")
            .setTokenCountCol("tokens")
            .setBatchSize(4)
            .transform(input());

    assertThat(out.schema().fieldNames())
        .containsExactly("id", "text", "tag", "embedding", "tokens");
    assertThat(out.schema().apply("embedding").dataType())
        .isEqualTo(new ArrayType(DataTypes.FloatType, false));
    assertThat(out.schema().apply("tokens").dataType()).isEqualTo(DataTypes.IntegerType);

    List<Row> rows = out.collectAsList();
    assertThat(rows).hasSize(REF.texts.size() + 2);
    for (Row row : rows) {
      int id = row.getInt(0);
      if (id == 100) {
        assertThat(row.isNullAt(3)).isTrue();
        assertThat(row.isNullAt(4)).isTrue();
        assertThat(row.getString(2)).isEqualTo("null text");
        continue;
      }
      float[] v = toFloats(row.getList(3));
      assertThat(ReferenceVectors.norm(v)).isCloseTo(1.0, within(1e-5));
      if (id == 101) {
        assertThat(v).hasSize(384);
        assertThat(row.getInt(4)).isEqualTo(2);
        continue;
      }
      assertThat(row.getString(1)).isEqualTo(REF.texts.get(id));
      assertThat(row.getString(2)).isEqualTo("t" + id);
      assertThat(row.getInt(4)).isEqualTo(REF.tokens.get(id));
      assertThat(ReferenceVectors.cosine(v, REF.vectors.get(id)))
          .as("cosine for %s", REF.texts.get(id))
          .isGreaterThanOrEqualTo(0.9999);
    }
  }

  @Test
  void worksInSqlPipelinesAfterTheTransform() {
    Dataset<Row> out = new EmbeddingTransformer(SPEC).transform(input());
    out.createOrReplaceTempView("embedded");
    Row r =
        spark
            .sql("SELECT count(*), count(embedding), count_if(size(embedding) = 384) FROM embedded")
            .first();
    assertThat(r.getLong(0)).isEqualTo(REF.texts.size() + 2L);
    assertThat(r.getLong(1)).isEqualTo(REF.texts.size() + 1L);
    assertThat(r.getLong(2)).isEqualTo(REF.texts.size() + 1L);
  }

  @Test
  void rejectsBadColumnsNamingThem() {
    Dataset<Row> df = input();
    assertThatThrownBy(() -> new EmbeddingTransformer(SPEC).setInputCol("body").transform(df))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid option 'inputCol': 'body'")
        .hasMessageContaining("[id, text, tag]");
    assertThatThrownBy(() -> new EmbeddingTransformer(SPEC).setInputCol("id").transform(df))
        .hasMessageContaining("Invalid option 'inputCol': 'id'")
        .hasMessageContaining("it is int");
    assertThatThrownBy(() -> new EmbeddingTransformer(SPEC).setOutputCol("tag").transform(df))
        .hasMessageContaining("Invalid option 'outputCol': 'tag'");
    assertThatThrownBy(() -> new EmbeddingTransformer(SPEC).setBatchSize(0))
        .hasMessage("Invalid option 'batchSize': 0 (expected 1-65536)");
  }

  static float[] toFloats(List<Object> list) {
    float[] v = new float[list.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((Number) list.get(i)).floatValue();
    }
    return v;
  }
}
