package dev.sparkembed.bench.cli;

import dev.sparkembed.bench.BenchOptions;
import dev.sparkembed.bench.BenchReport;
import dev.sparkembed.bench.ServiceMeasurement;
import dev.sparkembed.bench.ServingBenchmark;
import dev.sparkembed.bench.ServingReport;
import dev.sparkembed.bench.SynapseMlPeer;
import dev.sparkembed.serving.conf.ServingErrors;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spark-embed bench serving}: starts the echo example as a child JVM, drives it with the
 * closed-loop load generator (1, 16 and 256 connections by default), does the same to SynapseML's
 * Spark Serving with the same job when its harness is found, and prints one table with both and
 * their ratios (also written as JSON). Runs in the CLI JVM; the services run in their own JVMs.
 */
@Command(
    name = "serving",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the echo service (spark-embed example echo) under closed-loop load and compares"
          + " it with SynapseML's Spark Serving measured in the same run.",
      "Prints a table and writes a JSON report."
    })
final class BenchServingCommand implements Callable<Integer> {
  private static final Duration MAX_SETTLE = Duration.ofSeconds(1);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration PEER_BUILD_TIMEOUT = Duration.ofMinutes(20);

  @Spec CommandSpec spec;

  @Option(
      names = "--mode",
      defaultValue = "head",
      description = "Server placement: head or distributed (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--trigger",
      defaultValue = "micro-batch",
      description = "micro-batch or continuous (default: ${DEFAULT-VALUE}).")
  String trigger;

  @Option(
      names = "--duration",
      defaultValue = "20s",
      description = "Measured time per connection count (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(
      names = "--warmup",
      // Spark's per-batch planning runs interpreted until the JIT has compiled it: 5 s of
      // warm-up left micro-batch latency ~4x above its steady state.
      defaultValue = "20s",
      description = "Unmeasured load before the first phase (default: ${DEFAULT-VALUE}).")
  String warmup;

  @Option(
      names = "--connections",
      defaultValue = "1,16,256",
      description = "Connection counts, one measured phase each (default: ${DEFAULT-VALUE}).")
  String connections;

  @Option(
      names = "--out",
      description = "JSON report (default: target/bench/serving-<mode>[-continuous].json).")
  Path out;

  @Option(
      names = "--compare",
      description =
          "synapseml or none (default: synapseml when its harness is found under --peer-dir).")
  String compare;

  @Option(
      names = "--peer-dir",
      description =
          "The SynapseML harness (default: <spark.embed.home>/../shared/peers/synapseml).")
  Path peerDir;

  @Option(
      names = "--request-timeout",
      defaultValue = "10s",
      description =
          "A request without reply after this counts as a timeout (default: ${DEFAULT-VALUE}).")
  String requestTimeout;

  @Option(
      names = "--startup-timeout",
      defaultValue = "180s",
      description =
          "Time a service may take to its first correct reply (default: ${DEFAULT-VALUE}).")
  String startupTimeout;

  @Option(
      names = "--client-threads",
      defaultValue = "1",
      description = "Load generator I/O threads (default: ${DEFAULT-VALUE}, like wrk -t1).")
  int clientThreads;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "Measure the echo service already running there (e.g. distributed through a load"
              + " balancer, as scripts/testbed.sh --bench starts it) instead of starting one;"
              + " --mode and --trigger then only label it.")
  URI url;

  @Option(
      names = "--baseline-url",
      paramLabel = "URL",
      description =
          "With --url: also measure the echo service running there, in the same run, as the"
              + " baseline of the ratios (instead of SynapseML).")
  URI baselineUrl;

  @Option(
      names = "--baseline-mode",
      defaultValue = "head",
      description = "Label of --baseline-url's service (default: ${DEFAULT-VALUE}).")
  String baselineMode;

  @Override
  public Integer call() throws Exception {
    if (baselineUrl != null && url == null) {
      throw parameterError("Invalid option '--baseline-url': it needs --url");
    }
    PrintStream stdout = System.out;
    boolean continuous = validTrigger();
    boolean distributed = validMode();
    ServingBenchmark.Settings settings = settings();
    String label = mode + (continuous ? "-continuous" : "");
    Path jsonFile = out != null ? out : Path.of("target", "bench", "serving-" + label + ".json");
    Path logDir = logDir(jsonFile, label);

    SynapseMlPeer.PeerConfig peerConfig =
        SynapseMlPeer.PeerConfig.forServing(distributed, continuous);
    String peerNote = null;
    SynapseMlPeer peer = null;
    Path harness = peerDir != null ? peerDir : defaultPeerDir();
    if (baselineUrl != null) {
      peerNote = "Baseline: the echo service in " + baselineMode + " mode at " + baselineUrl + ".";
    } else if (wantsPeer(harness)) {
      try {
        peer = SynapseMlPeer.prepare(harness, peerBuildDir(), stdout, PEER_BUILD_TIMEOUT);
      } catch (IllegalStateException | IOException e) {
        if (compare != null) {
          throw parameterError(e.getMessage());
        }
        peerNote = "SynapseML not compared: " + e.getMessage();
      }
    } else {
      peerNote =
          "none".equals(compare)
              ? "SynapseML not compared (--compare none)."
              : "SynapseML not compared: no harness at " + harness + " (see --peer-dir).";
    }

    stdout.printf(
        "[bench] serving %s, %s: per system startup + %s warm-up + %d x (%s settle + %s measured);"
            + " logs in %s%n",
        mode,
        trigger,
        warmup,
        settings.connections().size(),
        BenchOptions.format(settings.settle()),
        BenchOptions.format(settings.duration()),
        logDir);
    ServingBenchmark bench = new ServingBenchmark(settings, logDir, stdout);
    String loadBefore = loadAverage();
    ServiceMeasurement ours;
    ServiceMeasurement theirs;
    if (url != null) {
      // The baseline first: with both services running, the distributed one is measured last.
      theirs =
          baselineUrl == null
              ? null
              : bench.measureRunning(
                  "spark-embed " + baselineMode, "running at " + baselineUrl, baselineUrl);
      ours = bench.measureRunning("spark-embed " + mode, "running at " + url, url);
    } else {
      ours = bench.measure(new EchoServiceUnderTest(mode, trigger));
      theirs = null;
    }
    if (peer != null) {
      theirs = bench.measure(peer.service(peerConfig));
    }
    String loadAfter = loadAverage();

    String title =
        "bench serving: "
            + mode
            + ", "
            + trigger
            + (url == null ? "" : " at " + url)
            + (baselineUrl != null
                ? " vs " + baselineMode + " at " + baselineUrl
                : theirs == null ? "" : " vs SynapseML " + peerConfig.label());
    BenchReport report = ServingReport.build(title, settings.connections(), ours, theirs);
    if (peerNote != null) {
      report.note(peerNote);
    }
    report
        .fact("mode", mode)
        .fact("trigger", trigger)
        .fact("connections", settings.connections())
        .fact("warmup", warmup)
        .fact("duration", duration)
        .fact("requestTimeout", requestTimeout)
        .fact("clientThreads", clientThreads)
        .fact("synapseml", peer == null ? null : peerConfig.label())
        .fact("url", url == null ? null : url.toString())
        .fact("baselineUrl", baselineUrl == null ? null : baselineUrl.toString())
        .fact("loadAverageBefore", loadBefore)
        .fact("loadAverageAfter", loadAfter)
        .fact("logs", logDir.toAbsolutePath().toString());
    report.printTable(stdout);
    report.writeJson(jsonFile);
    stdout.println();
    stdout.println("JSON report: " + jsonFile.toAbsolutePath());
    return ours.failed() || (theirs != null && theirs.failed()) ? 1 : 0;
  }

  private boolean validMode() {
    return switch (mode) {
      case "head" -> false;
      case "distributed" -> true;
      default ->
          throw parameterError(
              ServingErrors.invalidOption("mode", mode, "head or distributed").getMessage());
    };
  }

  private boolean validTrigger() {
    return switch (trigger) {
      case "micro-batch" -> false;
      case "continuous" -> true;
      default ->
          throw parameterError(
              ServingErrors.invalidOption("trigger", trigger, "micro-batch or continuous")
                  .getMessage());
    };
  }

  private ServingBenchmark.Settings settings() {
    try {
      Duration warm = BenchOptions.duration("warmup", warmup);
      Duration measured = BenchOptions.duration("duration", duration);
      if (measured.isZero()) {
        throw ServingErrors.invalidOption("duration", duration, "more than zero");
      }
      Duration timeout = BenchOptions.duration("request-timeout", requestTimeout);
      if (timeout.isZero()) {
        throw ServingErrors.invalidOption("request-timeout", requestTimeout, "more than zero");
      }
      if (clientThreads < 1) {
        throw ServingErrors.invalidOption("client-threads", clientThreads, "at least 1");
      }
      return new ServingBenchmark.Settings(
          BenchOptions.connections("connections", connections),
          warm,
          warm.compareTo(MAX_SETTLE) < 0 ? warm : MAX_SETTLE,
          measured,
          timeout,
          BenchOptions.duration("startup-timeout", startupTimeout),
          STOP_GRACE,
          clientThreads);
    } catch (IllegalArgumentException e) {
      throw parameterError(e.getMessage());
    }
  }

  /** True when SynapseML should be measured; rejects a value other than synapseml or none. */
  private boolean wantsPeer(Path harness) {
    if (compare == null) {
      return SynapseMlPeer.isHarness(harness);
    }
    return switch (compare) {
      case "synapseml" -> true;
      case "none" -> false;
      default ->
          throw parameterError(
              ServingErrors.invalidOption("compare", compare, "synapseml or none").getMessage());
    };
  }

  private static Path home() {
    String home = System.getProperty("spark.embed.home");
    return home == null ? Path.of("").toAbsolutePath() : Path.of(home).toAbsolutePath();
  }

  private static Path defaultPeerDir() {
    return home().resolve("../shared/peers/synapseml").normalize();
  }

  /** Outside the read-only shared folder; kept between runs so the harness builds once. */
  private static Path peerBuildDir() {
    return home().resolve("target/bench/peers/synapseml");
  }

  private static Path logDir(Path jsonFile, String label) throws IOException {
    Path parent = jsonFile.toAbsolutePath().getParent();
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = parent.resolve("logs").resolve("serving-" + label + "-" + stamp);
    Files.createDirectories(dir);
    return dir;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private CommandLine.ParameterException parameterError(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
