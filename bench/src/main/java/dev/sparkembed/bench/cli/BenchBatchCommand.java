package dev.sparkembed.bench.cli;

import dev.sparkembed.bench.BenchReport;
import dev.sparkembed.cli.CliSpark;
import dev.sparkembed.embed.engine.Embedder;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.embed.jobs.BatchJob;
import dev.sparkembed.embed.jobs.BatchJobResult;
import dev.sparkembed.embed.jobs.BatchJobSpec;
import dev.sparkembed.embed.spark.EmbeddingTransformer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code spark-embed bench batch}: the batch job's throughput PostgreSQL to PostgreSQL on {@code
 * local[2]} against the raw engine on the same texts in the same run, and the driver's heap at two
 * row counts (it must not grow with rows: nothing is collected to the driver). Starts its own
 * embedded PostgreSQL. Runs in the CLI JVM, which is also the Spark driver.
 */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Batch job rows/s PostgreSQL -> PostgreSQL on local[2] vs the raw engine on the same texts,",
      "and the driver's peak heap at two row counts. Starts an embedded PostgreSQL."
    })
final class BenchBatchCommand implements Callable<Integer> {
  @Spec CommandSpec command;

  @Option(names = "--rows", defaultValue = "50000", description = "Rows of the main run.")
  int rows;

  @Option(
      names = "--small-rows",
      defaultValue = "10000",
      description = "Rows of the second run, for the heap comparison.")
  int smallRows;

  @Option(names = "--master", defaultValue = "local[2]", description = "Spark master.")
  String master;

  @Option(names = "--model", defaultValue = "all-minilm-l6-v2", description = "Model.")
  String model;

  @Option(names = "--json", description = "JSON report (default: target/bench/batch.json).")
  Path json;

  @Override
  public Integer call() throws Exception {
    if (rows < 1) {
      throw new ParameterException(
          command.commandLine(), "Invalid option 'rows': " + rows + " (expected >= 1)");
    }
    if (smallRows < 1 || smallRows > rows) {
      throw new ParameterException(
          command.commandLine(),
          "Invalid option 'small-rows': " + smallRows + " (expected 1-" + rows + ")");
    }
    PrintWriter out = command.commandLine().getOut();
    ModelSpec spec = ModelSpec.parse(model);
    BenchReport report =
        new BenchReport(
            "bench batch",
            List.of(
                "run",
                "rows",
                "seconds",
                "rows/s",
                "ratio to raw engine",
                "driver heap live MiB",
                "driver heap peak MiB",
                "JVM CPU cores",
                "others' CPU cores"));
    report.fact("master", master).fact("model", spec.model()).fact("texts", "short sentences");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres";
      out.printf("PostgreSQL on port %d; loading %,d rows...%n", pg.getPort(), rows);
      out.flush();
      load(url, "bench_small", smallRows);
      load(url, "bench_rows", rows);
      SparkSession spark = CliSpark.session(master, "spark-embed bench batch");
      try {
        // Load the model once before anything is timed.
        BatchJobSpec warm = spec(url, "bench_small", "bench_warm", spec.model(), 2);
        new BatchJob(spark, warm, "warmup").run();

        CpuWatch rawCpu = new CpuWatch();
        double raw = rawEngine(spec, rows, out);
        report.fact("raw engine rows/s", raw);
        report.row(
            "raw engine (Embedder.open, batches of "
                + EmbeddingTransformer.DEFAULT_BATCH_SIZE
                + ")",
            rows,
            rows / raw,
            raw,
            1.0,
            null,
            null,
            rawCpu.jvmCores(),
            rawCpu.otherCores());

        int partitions = spark.sparkContext().defaultParallelism();
        for (int[] run : new int[][] {{smallRows, 0}, {rows, 1}}) {
          String table = run[1] == 0 ? "bench_small" : "bench_rows";
          BatchJobSpec job = spec(url, table, table + "_vec", spec.model(), partitions);
          BatchJobResult result;
          double live;
          double peak;
          CpuWatch cpu;
          try (HeapWatch heap = new HeapWatch()) {
            cpu = new CpuWatch();
            result = new BatchJob(spark, job, "bench" + run[0]).run();
            live = heap.peakLiveMib();
            peak = heap.peakUsedMib();
          }
          report.row(
              "batch job PostgreSQL -> PostgreSQL",
              result.rowsEmbedded(),
              result.seconds(),
              result.rowsPerSecond(),
              result.rowsPerSecond() / raw,
              live,
              peak,
              cpu.jvmCores(),
              cpu.otherCores());
          out.printf("batch job, %,d rows: %.1f s%n", result.rowsEmbedded(), result.seconds());
          out.flush();
        }
      } finally {
        spark.stop();
      }
    }
    report.fact("goal", ">= 0.85x raw engine; driver heap independent of rows");
    report.fact(
        "others' CPU cores",
        "other processes' load during the run (the benchmark's PostgreSQL included): a ratio"
            + " is only fair when it is near 0 in both rows");
    report.printTable(System.out);
    Path file = json != null ? json : Path.of("target", "bench", "batch.json");
    report.writeJson(file);
    out.println("JSON report: " + file.toAbsolutePath());
    return 0;
  }

  private static BatchJobSpec spec(String url, String table, String target, String model, int n) {
    return BatchJobSpec.builder()
        .jdbcUrl(url)
        .table(table)
        .idColumn("id")
        .textColumn("body")
        .targetTable(target)
        .model(model)
        .partitions(n)
        .build();
  }

  /** Short texts of 6-12 words, in the shape of titles or log lines. */
  static String text(long i) {
    String[] topics = {
      "the weather in spring", "a football match", "stock markets today", "cooking fresh pasta",
      "a new phone release", "train delays in the north", "a museum visit", "learning Java"
    };
    return "Note " + i + " is about " + topics[(int) (i % topics.length)] + ".";
  }

  private static void load(String url, String table, int n) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, body text)");
      st.execute(
          "INSERT INTO "
              + table
              + " SELECT g, 'Note ' || g || ' is about ' || (ARRAY['the weather in spring',"
              + " 'a football match', 'stock markets today', 'cooking fresh pasta', 'a new phone"
              + " release', 'train delays in the north', 'a museum visit', 'learning"
              + " Java'])[g % 8 + 1] || '.' FROM generate_series(1, "
              + n
              + ") g");
    }
  }

  /** The engine alone, in this JVM, on the same texts: rows per second. */
  private static double rawEngine(ModelSpec spec, int n, PrintWriter out) {
    try (Embedder embedder = Embedder.open(spec)) {
      int batch = EmbeddingTransformer.DEFAULT_BATCH_SIZE;
      long start = System.nanoTime();
      List<String> texts = new ArrayList<>(batch);
      long done = 0;
      for (long i = 1; i <= n; i++) {
        texts.add(text(i));
        if (texts.size() == batch || i == n) {
          done += embedder.embed(texts).size();
          texts.clear();
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      out.printf("raw engine: %,d texts in %.1f s%n", done, seconds);
      out.flush();
      return done / seconds;
    }
  }
}
