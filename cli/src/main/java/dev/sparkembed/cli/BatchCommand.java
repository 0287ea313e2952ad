package dev.sparkembed.cli;

import dev.sparkembed.embed.jobs.BatchJob;
import dev.sparkembed.embed.jobs.BatchJobResult;
import dev.sparkembed.embed.jobs.BatchJobSpec;
import dev.sparkembed.embed.jobs.JobValidationException;
import dev.sparkembed.embed.jobs.ProgressPrinter;
import java.io.PrintWriter;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spark-embed batch}: embeds a table (or a file) and writes the vectors to a target table,
 * back into the source table, or to a file. Runs as its own Spark driver. Exit codes: 0 done, 2
 * invalid job (every problem printed, nothing written), 1 failed while running.
 */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Embed the texts of a table (or file) on Spark and write the vectors back.",
      "Reads with partitioned JDBC range reads on the id column; writes through a staging table",
      "and one upsert, so reruns leave exactly one row per id. Null and blank texts are skipped",
      "and counted."
    })
final class BatchCommand implements Callable<Integer> {
  static final int EXIT_INVALID = 2;

  @Spec CommandSpec command;

  @Option(names = "--jdbc-url", description = "JDBC URL of the database (source and target).")
  String jdbcUrl;

  @Option(names = "--table", description = "Source table (or view) with the texts.")
  String table;

  @Option(names = "--id-column", description = "Unique id column (whole numbers or strings).")
  String idColumn;

  @Option(names = "--text-column", description = "Column with the texts to embed.")
  String textColumn;

  @Option(
      names = "--target-table",
      description = "Table receiving (id, embedding, model, embedded_at); created when missing.")
  String targetTable;

  @Option(
      names = "--embedding-column",
      description = "Write vectors into this column of --table, for rows where it is NULL.")
  String embeddingColumn;

  @Option(
      names = "--incremental",
      description = "With --target-table: embed only ids the target does not have yet.")
  boolean incremental;

  @Option(names = "--user", description = "Database user (or put it in the URL).")
  String user;

  @Option(
      names = "--password-env",
      paramLabel = "VAR",
      description = "Environment variable holding the database password.")
  String passwordEnv;

  @Option(names = "--input", description = "Read rows from this Parquet, CSV or JSON-lines path.")
  String input;

  @Option(
      names = "--output",
      description = "Write vectors to this Parquet, CSV or JSON-lines path.")
  String output;

  @Option(
      names = "--format",
      description = "File format of --input/--output: parquet, csv, json (default: by extension).")
  String format;

  @Option(names = "--partitions", description = "Read partitions (default: Spark's parallelism).")
  Integer partitions;

  @Option(names = "--model", description = "Built-in model name or model directory.")
  String model;

  @Option(names = "--device", description = "auto, cpu or cuda (default: auto).")
  String device;

  @Option(
      names = "--master",
      defaultValue = "local[*]",
      description = "Spark master (default: ${DEFAULT-VALUE}).")
  String master;

  @Override
  public Integer call() {
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    BatchJobSpec spec;
    try {
      spec = spec();
    } catch (JobValidationException e) {
      err.println(e.getMessage());
      return EXIT_INVALID;
    }
    try {
      SparkMasters.usable(master);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return EXIT_INVALID;
    }
    SparkSession spark = CliSpark.session(master, "spark-embed batch");
    try {
      BatchJob job = new BatchJob(spark, spec, UUID.randomUUID().toString().substring(0, 8));
      BatchJobResult result;
      try (ProgressPrinter progress = ProgressPrinter.start(job.progress())) {
        result = job.run();
      }
      out.println(result.summary());
      return 0;
    } catch (JobValidationException e) {
      err.println(e.getMessage());
      return EXIT_INVALID;
    } catch (RuntimeException e) {
      err.println("Batch job failed: " + e.getMessage());
      return 1;
    } finally {
      out.flush();
      err.flush();
      spark.stop();
    }
  }

  BatchJobSpec spec() {
    return BatchJobSpec.builder()
        .jdbcUrl(jdbcUrl)
        .table(table)
        .idColumn(idColumn)
        .textColumn(textColumn)
        .targetTable(targetTable)
        .embeddingColumn(embeddingColumn)
        .incremental(incremental)
        .user(user)
        .passwordEnv(passwordEnv)
        .input(input)
        .output(output)
        .overwriteOutput(true)
        .format(format)
        .partitions(partitions)
        .model(model)
        .device(device)
        .build();
  }
}
