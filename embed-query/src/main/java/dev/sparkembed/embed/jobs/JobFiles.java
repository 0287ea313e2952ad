package dev.sparkembed.embed.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.trim;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** A file job's rows: reading the input, and which of them a run embeds. Driver only. */
final class JobFiles {
  private JobFiles() {}

  /** Reads a job's input file (CSV with a header row and inferred types). */
  static Dataset<Row> read(SparkSession spark, FileFormat format, String path) {
    DataFrameReader reader = spark.read().format(format.sparkName());
    if (format == FileFormat.CSV) {
      reader = reader.option("header", "true").option("inferSchema", "true");
    }
    return reader.load(path);
  }

  /** For an incremental file job: the file's rows whose id the target table does not have. */
  static Dataset<Row> selectRows(SparkSession spark, JobPlan plan, Dataset<Row> file) {
    if (!plan.spec.incremental() || !plan.targetExists) {
      return file;
    }
    Dataset<Row> done =
        spark
            .read()
            .jdbc(plan.connector.url(), plan.target.sql(plan.dialect), plan.connector.properties())
            .select(col(plan.targetId).as("__done_id"));
    return file.join(done, file.col(plan.idName).equalTo(done.col("__done_id")), "left_anti");
  }

  /** Null, empty or whitespace-only text: such rows are skipped, never embedded. */
  static Column blank(Column text) {
    return text.isNull().or(length(trim(text)).equalTo(0));
  }
}
