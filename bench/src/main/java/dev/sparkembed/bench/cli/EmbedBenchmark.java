package dev.sparkembed.bench.cli;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.sparkembed.bench.BenchReport;
import dev.sparkembed.embed.engine.BuiltInModel;
import dev.sparkembed.embed.engine.DeviceChoice;
import dev.sparkembed.embed.engine.Embedder;
import dev.sparkembed.embed.engine.EngineRuntime;
import dev.sparkembed.embed.engine.ExecutorModels;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.embed.spark.EmbeddingTransformer;
import dev.sparkembed.embed.tokenize.TextTokenizer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench embed}: sentences per second, in one run, for (1) a raw ONNX Runtime session with
 * the same tokenizer (the baseline), (2) the engine, (3) the transformer on a {@code local[2]}
 * DataFrame and (4) langchain4j's {@code AllMiniLmL6V2EmbeddingModel.embedAll}, over batch sizes
 * and short/long texts, each as a ratio to (1); then the int8 model's speed and every
 * implementation's cosine to the fp32 reference vectors. Driver side (CLI only).
 */
final class EmbedBenchmark {
  static final List<String> COLUMNS =
      List.of(
          "texts",
          "batch",
          "implementation",
          "sentences/s",
          "x raw",
          "sentences/cpu-s",
          "x raw (cpu)",
          "min cosine");
  private static final String RAW = "(1) raw ORT";
  private static final String ENGINE = "(2) engine";
  private static final String PYTORCH = "(2b) engine, pytorch";
  private static final String SPARK = "(3) transformer local[2]";
  private static final String LC4J = "(4) langchain4j";

  static final int ROUNDS = 3;

  private final double seconds;
  private final List<Integer> batchSizes;
  private final int threads;
  private final boolean spark;
  private final boolean langchain4j;
  private final ModelSpec pytorch;
  private final PrintStream log;

  EmbedBenchmark(
      double seconds,
      List<Integer> batchSizes,
      int threads,
      boolean spark,
      boolean langchain4j,
      ModelSpec pytorch,
      PrintStream log) {
    this.seconds = seconds;
    this.batchSizes = List.copyOf(batchSizes);
    this.threads = threads;
    this.spark = spark;
    this.langchain4j = langchain4j;
    this.pytorch = pytorch;
    this.log = log;
  }

  /** A measured call: embeds the texts and returns how many it embedded. */
  interface Call {
    int run(List<String> texts) throws Exception;
  }

  BenchReport run() throws Exception {
    BenchReport report = new BenchReport("embed", COLUMNS);
    report.fact("seconds_per_measurement", seconds);
    report.fact("threads", threads);
    report.fact("model", BuiltInModel.ALL_MINILM_L6_V2.modelName());
    Path fp32 = BuiltInModel.ALL_MINILM_L6_V2.extract();
    Path int8 = BuiltInModel.ALL_MINILM_L6_V2_Q.extract();
    ModelSpec engineSpec = ModelSpec.defaults().withDevice(DeviceChoice.CPU).withThreads(threads);
    List<String> shortTexts;
    List<String> longTexts;
    try (TextTokenizer tok = TextTokenizer.load(fp32.resolve("tokenizer.json"), 256)) {
      shortTexts = BenchTexts.shortTexts(1024, 1);
      longTexts = BenchTexts.longTexts(256, 2, 128, tok);
      report.fact("short_mean_tokens", round(BenchTexts.meanTokens(shortTexts, tok)));
      report.fact("long_mean_tokens", round(BenchTexts.meanTokens(longTexts, tok)));
    }
    EngineRuntime.init(); // before langchain4j creates its OrtEnvironment
    SparkSession session = spark ? startSpark() : null;
    AllMiniLmL6V2EmbeddingModel lc4j = langchain4j ? new AllMiniLmL6V2EmbeddingModel() : null;
    if (pytorch != null) {
      report.fact("pytorch_model", pytorch.model());
    }
    try (RawOrtEmbedder raw = new RawOrtEmbedder(fp32, 256, threads);
        Embedder engine = Embedder.open(engineSpec);
        Embedder torch = pytorch == null ? null : Embedder.open(pytorch.withThreads(threads))) {
      for (String kind : List.of("short", "long")) {
        List<String> pool = kind.equals("short") ? shortTexts : longTexts;
        for (int batch : batchSizes) {
          Map<String, Call> calls = new LinkedHashMap<>();
          calls.put(RAW, t -> raw.embed(t).length);
          calls.put(ENGINE, t -> engine.embed(t).size());
          if (torch != null) {
            calls.put(PYTORCH, t -> torch.embed(t).size());
          }
          if (lc4j != null) {
            calls.put(LC4J, t -> lc4jEmbed(lc4j, t).size());
          }
          Map<String, Rate> rates = measureInterleaved(calls, pool, batch);
          Rate rawRate = rates.get(RAW);
          row(report, kind, batch, RAW, rawRate, rawRate);
          row(report, kind, batch, ENGINE, rates.get(ENGINE), rawRate);
          if (torch != null) {
            row(report, kind, batch, PYTORCH, rates.get(PYTORCH), rawRate);
          }
          if (session != null) {
            row(report, kind, batch, SPARK, measureSpark(session, pool, batch, rawRate), rawRate);
          }
          if (lc4j != null) {
            row(report, kind, batch, LC4J, rates.get(LC4J), rawRate);
          }
        }
      }
      int8Rows(report, shortTexts, longTexts, raw, int8);
      cosineRows(report, engine, lc4j);
      if (torch != null) {
        BenchReference ref = BenchReference.load();
        if (ref != null) {
          report.row(
              "reference",
              ref.texts.size(),
              PYTORCH,
              null,
              null,
              null,
              null,
              BenchReference.minCosine(torch.embed(ref.texts).vectors(), ref));
        }
      }
    } finally {
      if (session != null) {
        session.stop();
      }
      ExecutorModels.closeAll();
    }
    return report;
  }

  private void int8Rows(
      BenchReport report,
      List<String> shortTexts,
      List<String> longTexts,
      RawOrtEmbedder raw,
      Path int8)
      throws Exception {
    int batch = 32;
    try (Embedder q =
        Embedder.open(
            ModelSpec.parse("all-minilm-l6-v2-q")
                .withDevice(DeviceChoice.CPU)
                .withThreads(threads))) {
      for (String kind : List.of("short", "long")) {
        List<String> pool = kind.equals("short") ? shortTexts : longTexts;
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put(RAW, t -> raw.embed(t).length);
        calls.put(ENGINE + " int8", t -> q.embed(t).size());
        Map<String, Rate> rates = measureInterleaved(calls, pool, batch);
        Rate rawRate = rates.get(RAW);
        row(report, kind, batch, RAW + " fp32 (again)", rawRate, rawRate);
        row(report, kind, batch, ENGINE + " int8", rates.get(ENGINE + " int8"), rawRate);
      }
      BenchReference ref = BenchReference.load();
      if (ref != null) {
        report.row(
            "reference",
            ref.texts.size(),
            ENGINE + " int8",
            null,
            null,
            null,
            null,
            BenchReference.minCosine(q.embed(ref.texts).vectors(), ref));
      }
    }
  }

  private void cosineRows(BenchReport report, Embedder engine, AllMiniLmL6V2EmbeddingModel lc4j) {
    BenchReference ref = BenchReference.load();
    if (ref == null) {
      report.fact("reference", "not found (run from the source tree for cosine rows)");
      return;
    }
    report.fact("reference", ref.file.toString());
    report.row(
        "reference",
        ref.texts.size(),
        ENGINE + " fp32",
        null,
        null,
        null,
        null,
        BenchReference.minCosine(engine.embed(ref.texts).vectors(), ref));
    if (lc4j != null) {
      // langchain4j rejects blank texts: it is scored on the others.
      List<String> texts = new ArrayList<>();
      List<float[]> expected = new ArrayList<>();
      for (int i = 0; i < ref.texts.size(); i++) {
        if (!ref.texts.get(i).isBlank()) {
          texts.add(ref.texts.get(i));
          expected.add(ref.vectors.get(i));
        }
      }
      List<Embedding> got = lc4jEmbed(lc4j, texts);
      double min = 1;
      for (int i = 0; i < texts.size(); i++) {
        min = Math.min(min, BenchReference.cosine(got.get(i).vector(), expected.get(i)));
      }
      report.row("reference (non-blank)", texts.size(), LC4J, null, null, null, null, round4(min));
    }
  }

  private static List<Embedding> lc4jEmbed(AllMiniLmL6V2EmbeddingModel model, List<String> texts) {
    List<TextSegment> segments = new ArrayList<>(texts.size());
    for (String t : texts) {
      segments.add(TextSegment.from(t));
    }
    return model.embedAll(segments).content();
  }

  /**
   * Measures the calls in turns ({@value #ROUNDS} rounds of a share of the measurement time each)
   * and keeps each one's best round: on a shared, noisy machine, interleaving exposes all of them
   * to the same background load, and the best round is the least disturbed.
   */
  private Map<String, Rate> measureInterleaved(
      Map<String, Call> calls, List<String> pool, int batch) throws Exception {
    Map<String, Rate> best = new LinkedHashMap<>();
    for (Map.Entry<String, Call> c : calls.entrySet()) {
      for (int i = 0; i < 3; i++) {
        c.getValue().run(window(pool, i * batch, batch)); // warm-up
      }
      best.put(c.getKey(), new Rate(0, 0));
    }
    int offset = 0;
    for (int round = 0; round < ROUNDS; round++) {
      for (Map.Entry<String, Call> c : calls.entrySet()) {
        Rate rate = measure(pool, batch, c.getValue(), seconds / ROUNDS, offset);
        offset += 7 * batch;
        best.merge(c.getKey(), rate, Rate::best);
      }
    }
    return best;
  }

  private static Rate measure(List<String> pool, int batch, Call call, double secs, int first)
      throws Exception {
    int offset = first / Math.max(1, batch);
    long cpu = processCpuNanos();
    long start = System.nanoTime();
    long end = start + (long) (secs * 1e9);
    long done = 0;
    int calls = 0;
    while (calls < 2 || System.nanoTime() < end) {
      done += call.run(window(pool, offset++ * batch, batch));
      calls++;
    }
    return Rate.of(done, System.nanoTime() - start, processCpuNanos() - cpu);
  }

  /** This JVM's CPU time: all its threads, including ONNX Runtime's and Spark's. */
  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
    }
    return -1;
  }

  /**
   * Sentences per wall-clock second, and per second of this JVM's CPU time: the second is much less
   * sensitive to other processes on a shared machine (they take wall time, not our CPU).
   */
  record Rate(double wall, double cpu) {
    static Rate of(long sentences, long wallNanos, long cpuNanos) {
      return new Rate(
          sentences / (wallNanos / 1e9), cpuNanos > 0 ? sentences / (cpuNanos / 1e9) : 0);
    }

    static Rate best(Rate a, Rate b) {
      return new Rate(Math.max(a.wall, b.wall), Math.max(a.cpu, b.cpu));
    }
  }

  private Rate measureSpark(SparkSession session, List<String> pool, int batch, Rate rawRate) {
    // One pass of about the measurement time at the raw speed (at least a few batches).
    int rows =
        (int)
            Math.max(
                4L * batch, Math.min(200_000, Math.round(rawRate.wall() * Math.max(2, seconds))));
    List<String> texts = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      texts.add(pool.get(i % pool.size()));
    }
    Dataset<Row> df =
        session.createDataset(texts, Encoders.STRING()).toDF("text").repartition(2).cache();
    df.count();
    EmbeddingTransformer transformer =
        new EmbeddingTransformer(ModelSpec.defaults().withDevice(DeviceChoice.CPU))
            .setBatchSize(batch);
    // A full warm-up pass: loads the model, and lets the JIT compile Spark's code paths, whose
    // compilation would otherwise count as the transformer's CPU time.
    transformer.transform(df).write().format("noop").mode("overwrite").save();
    Rate rate = new Rate(0, 0);
    for (int pass = 0; pass < 2; pass++) {
      long cpu = processCpuNanos();
      long start = System.nanoTime();
      transformer.transform(df).write().format("noop").mode("overwrite").save();
      rate = Rate.best(rate, Rate.of(rows, System.nanoTime() - start, processCpuNanos() - cpu));
    }
    df.unpersist();
    return rate;
  }

  private void row(
      BenchReport report, String kind, int batch, String impl, Rate rate, Rate rawRate) {
    report.row(
        kind,
        batch,
        impl,
        round(rate.wall()),
        round(rate.wall() / rawRate.wall()),
        round(rate.cpu()),
        round(rate.cpu() / rawRate.cpu()),
        null);
    log.printf(
        Locale.ROOT,
        "  %-5s batch %-4d %-28s %8.1f sentences/s %.2fx raw | %7.1f per cpu-s %.2fx raw%n",
        kind,
        batch,
        impl,
        rate.wall(),
        rate.wall() / rawRate.wall(),
        rate.cpu(),
        rate.cpu() / rawRate.cpu());
    log.flush();
  }

  private static SparkSession startSpark() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("spark-embed bench embed")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  private static List<String> window(List<String> pool, int from, int size) {
    List<String> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(pool.get(Math.floorMod(from + i, pool.size())));
    }
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  static double round4(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}
