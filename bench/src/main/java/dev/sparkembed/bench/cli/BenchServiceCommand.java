package dev.sparkembed.bench.cli;

import dev.sparkembed.bench.BenchOptions;
import dev.sparkembed.bench.BenchReport;
import dev.sparkembed.bench.ChildJvm;
import dev.sparkembed.bench.ChildProcess;
import dev.sparkembed.bench.FirstReplyProbe;
import dev.sparkembed.bench.FreePorts;
import dev.sparkembed.bench.LoadGenerator;
import dev.sparkembed.bench.LoadPlan;
import dev.sparkembed.bench.LoadResult;
import dev.sparkembed.bench.ServiceStartException;
import dev.sparkembed.cli.SparkEmbed;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.serving.conf.ServingErrors;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spark-embed bench service}: the embedding service under closed-loop load (requests of 1
 * and of 32 short texts, at 1 and 16 connections) against the raw engine on the same texts in the
 * same run. The raw engine is measured first in this JVM (then closed); the service runs as a child
 * JVM started like this one. Prints a table with the ratios and writes JSON.
 */
@Command(
    name = "service",
    mixinStandardHelpOptions = true,
    description = {
      "Measures `spark-embed serve` (POST /v1/embeddings) under closed-loop load and the raw engine"
          + " on the same texts in the same run; prints a table with the ratios and writes JSON."
    })
final class BenchServiceCommand implements Callable<Integer> {
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final int LOG_LINES = 40;

  @Spec CommandSpec spec;

  @Option(names = "--mode", defaultValue = "head", description = "head or distributed.")
  String mode;

  @Option(
      names = "--trigger",
      defaultValue = "micro-batch",
      description = "micro-batch or continuous (default: ${DEFAULT-VALUE}).")
  String trigger;

  @Option(
      names = "--model",
      defaultValue = "all-minilm-l6-v2",
      description = "Model for both the service and the raw engine (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(
      names = "--texts",
      defaultValue = "1,32",
      description = "Texts per request, one set of phases each (default: ${DEFAULT-VALUE}).")
  String texts;

  @Option(
      names = "--connections",
      defaultValue = "1,16",
      description = "Connection counts (default: ${DEFAULT-VALUE}).")
  String connections;

  @Option(
      names = "--duration",
      defaultValue = "15s",
      description = "Measured time per phase and for the raw engine (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(
      names = "--warmup",
      defaultValue = "5s",
      description = "Unmeasured load before each phase (default: ${DEFAULT-VALUE}).")
  String warmup;

  @Option(
      names = "--request-timeout",
      defaultValue = "30s",
      description = "A request without reply after this is a timeout (default: ${DEFAULT-VALUE}).")
  String requestTimeout;

  @Option(
      names = "--startup-timeout",
      defaultValue = "240s",
      description = "Time the service may take to its first reply (default: ${DEFAULT-VALUE}).")
  String startupTimeout;

  @Option(
      names = "--out",
      description = "JSON report (default: target/bench/service-<mode>-<trigger>.json).")
  Path out;

  @Option(
      names = "--serve-arg",
      description =
          "Extra argument for the service's `serve` (repeatable), e.g. --serve-arg=--num-partitions=1.")
  List<String> serveArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintStream stdout = System.out;
    Duration measured = positive("duration", duration);
    Duration warm = BenchOptions.duration("warmup", warmup);
    Duration timeout = positive("request-timeout", requestTimeout);
    Duration startup = positive("startup-timeout", startupTimeout);
    List<Integer> textCounts = counts("texts", texts);
    List<Integer> connectionCounts = counts("connections", connections);
    if (!"head".equals(mode) && !"distributed".equals(mode)) {
      throw parameterError(ServingErrors.invalidOption("mode", mode, "head or distributed"));
    }
    if (!"micro-batch".equals(trigger) && !"continuous".equals(trigger)) {
      throw parameterError(
          ServingErrors.invalidOption("trigger", trigger, "micro-batch or continuous"));
    }
    ModelSpec modelSpec;
    try {
      modelSpec = ModelSpec.parse(model).withDevice("cpu");
    } catch (IllegalArgumentException e) {
      throw parameterError(e);
    }
    String label = mode + "-" + trigger;
    Path jsonFile = out != null ? out : Path.of("target", "bench", "service-" + label + ".json");
    Path logDir = logDir(jsonFile, label);

    List<String> pool = EmbeddingWorkload.texts(EmbeddingWorkload.DISTINCT, 7);
    say(stdout, "raw engine: %s, %d threads, %s per measurement", model, cores(), duration);
    RawEngineMeasurement raw = RawEngineMeasurement.measure(modelSpec, pool, textCounts, measured);
    say(
        stdout,
        "raw engine: 1 short text p50 %.2f ms; %s",
        raw.singleTextP50Ms,
        raw.describeThroughput(textCounts));

    int port = FreePorts.pick();
    URI url = URI.create("http://127.0.0.1:" + port + "/v1/embeddings");
    List<String> args =
        new ArrayList<>(
            List.of(
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--mode",
                mode,
                "--trigger",
                trigger,
                "--model",
                model,
                "--device",
                "cpu",
                "--conf",
                "spark.ui.enabled=false"));
    args.addAll(serveArgs);
    ChildJvm jvm =
        ChildJvm.likeThisJvm("spark-embed serve", SparkEmbed.class.getName())
            .addArgs(args)
            .workingDir(logDir)
            .logTo(logDir.toAbsolutePath().resolve("spark-embed-serve"));
    say(stdout, "service: starting %s (%s)", url, String.join(" ", args));
    BenchReport report =
        new BenchReport(
            "bench service: " + mode + ", " + trigger + ", " + model,
            List.of(
                "texts/req",
                "conns",
                "req/s",
                "texts/s",
                "p50 ms",
                "p99 ms",
                "errors",
                "texts/call",
                "model busy",
                "engine texts/s",
                "ratio"));
    int exit = 0;
    try (ChildProcess child = jvm.start()) {
      EmbeddingWorkload probe = new EmbeddingWorkload(pool, raw.firstValues, 1);
      long startupMs = new FirstReplyProbe(url, probe.first(), startup).awaitFirstReply(child);
      say(stdout, "service: first correct reply after %,d ms", startupMs);
      report.fact("startupMs", startupMs);
      LoadGenerator generator = new LoadGenerator(url, 1);
      URI metricsUrl = URI.create("http://127.0.0.1:" + port + "/metrics");
      for (int n : textCounts) {
        EmbeddingWorkload workload = new EmbeddingWorkload(pool, raw.firstValues, n);
        for (int c : connectionCounts) {
          if (!child.isAlive()) {
            throw new IllegalStateException(
                "The service exited (code " + child.exitCode() + "):\n" + child.logTail(LOG_LINES));
          }
          Map<String, Double> before = PrometheusScrape.counters(metricsUrl);
          long phaseStart = System.nanoTime();
          LoadResult r = generator.run(new LoadPlan(c, warm, measured, timeout), workload);
          double phaseSeconds = (System.nanoTime() - phaseStart) / 1e9;
          Map<String, Double> after = PrometheusScrape.counters(metricsUrl);
          double calls =
              PrometheusScrape.delta(before, after, "spark_embed_model_call_seconds_count");
          double textsPerCall =
              calls == 0
                  ? Double.NaN
                  : PrometheusScrape.delta(before, after, "spark_embed_batch_texts_sum") / calls;
          double modelBusy =
              PrometheusScrape.delta(before, after, "spark_embed_model_call_seconds_sum")
                  / phaseSeconds;
          double textsPerSecond = r.requestsPerSecond() * n;
          double engine = raw.textsPerSecond(n);
          report.row(
              n,
              c,
              r.requestsPerSecond(),
              textsPerSecond,
              r.p50Ms(),
              r.p99Ms(),
              r.errorSummary(),
              textsPerCall,
              modelBusy,
              engine,
              textsPerSecond / engine);
          say(
              stdout,
              "%2d texts x %2d conn: %,.1f req/s, %,.0f texts/s (%.2fx engine), p50 %.2f ms, p99"
                  + " %.2f ms, errors %s",
              n,
              c,
              r.requestsPerSecond(),
              textsPerSecond,
              textsPerSecond / engine,
              r.p50Ms(),
              r.p99Ms(),
              r.errorSummary());
          if (n == 1 && c == 1) {
            double overhead = r.p50Ms() - raw.singleTextP50Ms;
            double goal = "continuous".equals(trigger) ? 1.0 : 5.0;
            report.fact("singleTextOverheadMs", overhead);
            report.note(
                String.format(
                    Locale.ROOT,
                    "1 conn x 1 text: p50 %.2f ms = model %.2f ms + %.2f ms (goal: + %.0f ms) -> %s",
                    r.p50Ms(),
                    raw.singleTextP50Ms,
                    overhead,
                    goal,
                    overhead <= goal ? "met" : "NOT met"));
          }
          if (n == 32 && c == 16) {
            double ratio = textsPerSecond / engine;
            report.fact("ratio16x32", ratio);
            report.note(
                String.format(
                    Locale.ROOT,
                    "16 conn x 32 texts: %.2fx the raw engine (goal >= 0.85x) -> %s",
                    ratio,
                    ratio >= 0.85 ? "met" : "NOT met"));
          }
          if (r.totalErrors() > 0) {
            exit = 1;
          }
        }
      }
    } catch (ServiceStartException e) {
      say(stdout, "%s", e.getMessage());
      report.note("The service did not start: " + e.getMessage());
      exit = 1;
    }
    report
        .fact("model", model)
        .fact("mode", mode)
        .fact("trigger", trigger)
        .fact("engineThreads", cores())
        .fact("engineSingleTextP50Ms", raw.singleTextP50Ms)
        .fact("engineTextsPerSecond", raw.throughputFacts(textCounts))
        .fact("duration", duration)
        .fact("warmup", warmup)
        .fact("logs", logDir.toAbsolutePath().toString());
    report.printTable(stdout);
    report.notes().forEach(stdout::println);
    report.writeJson(jsonFile);
    stdout.println();
    stdout.println("JSON report: " + jsonFile.toAbsolutePath());
    return exit;
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  private Duration positive(String option, String value) {
    try {
      Duration d = BenchOptions.duration(option, value);
      if (d.isZero()) {
        throw ServingErrors.invalidOption(option, value, "more than zero");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw parameterError(e);
    }
  }

  private List<Integer> counts(String option, String value) {
    try {
      return BenchOptions.connections(option, value);
    } catch (IllegalArgumentException e) {
      throw parameterError(e);
    }
  }

  private static Path logDir(Path jsonFile, String label) throws IOException {
    Path parent = jsonFile.toAbsolutePath().getParent();
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = parent.resolve("logs").resolve("service-" + label + "-" + stamp);
    Files.createDirectories(dir);
    return dir;
  }

  private static void say(PrintStream out, String format, Object... args) {
    out.println("[bench] " + String.format(Locale.ROOT, format, args));
    out.flush();
  }

  private CommandLine.ParameterException parameterError(IllegalArgumentException e) {
    return new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
  }
}
