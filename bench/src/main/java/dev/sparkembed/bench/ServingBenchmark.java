package dev.sparkembed.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures one HTTP service end to end: starts it as a child JVM on a free port, waits for its
 * first correct reply (startup time), warms it up, runs one closed-loop phase per connection count
 * with the {@link LoadGenerator}, and stops it. Every system of a comparison goes through the same
 * steps with the same settings. Runs in the benchmarking JVM (the CLI).
 */
public final class ServingBenchmark {
  /** Connections used to warm a service up (as the SynapseML peer's {@code run.sh} does). */
  public static final int WARMUP_CONNECTIONS = 4;

  /** The request that proves a service is up: the SynapseML peer's own probe. */
  public static final PlannedRequest PROBE = EchoWorkload.request("hello spark serving");

  /**
   * @param connections one measured phase per count
   * @param warmup load before the first phase, not measured
   * @param settle unmeasured load at the start of each phase, while its connections open
   * @param duration measured time per phase
   * @param requestTimeout one request's limit; a request past it counts as a timeout error
   * @param startupTimeout how long a service may take to give its first correct reply
   * @param stopGrace how long each stop step (stop request, SIGTERM) may take before the next
   * @param clientThreads the load generator's I/O threads
   */
  public record Settings(
      List<Integer> connections,
      Duration warmup,
      Duration settle,
      Duration duration,
      Duration requestTimeout,
      Duration startupTimeout,
      Duration stopGrace,
      int clientThreads) {

    public Settings {
      connections = List.copyOf(connections);
    }
  }

  private final Settings settings;
  private final Path logDir;
  private final PrintStream progress;

  public ServingBenchmark(Settings settings, Path logDir, PrintStream progress) {
    this.settings = settings;
    this.logDir = logDir;
    this.progress = progress;
  }

  public Settings settings() {
    return settings;
  }

  /** Starts, measures and stops {@code service}; never throws for a service that misbehaves. */
  public ServiceMeasurement measure(ServiceUnderTest service) throws InterruptedException {
    int port = FreePorts.pick();
    URI url = service.url(port);
    ChildJvm jvm = service.childJvm(port, logDir);
    say("%s (%s): starting on %s", service.name(), service.config(), url);
    ChildProcess child;
    try {
      child = jvm.start();
    } catch (IOException e) {
      return new ServiceMeasurement(
          service.name(), service.config(), null, List.of(), "cannot start JVM: " + e);
    }
    Long startupMs = null;
    List<LoadResult> phases = new ArrayList<>();
    String failure = null;
    try {
      startupMs = new FirstReplyProbe(url, PROBE, settings.startupTimeout()).awaitFirstReply(child);
      say("%s: first correct reply after %,d ms (pid %d)", service.name(), startupMs, child.pid());
      failure = runPhases(service.name(), url, child, phases);
    } catch (ServiceStartException e) {
      failure = e.getMessage();
      say("%s", failure);
    } finally {
      say("%s: stopping", service.name());
      child.stop(settings.stopGrace());
    }
    return new ServiceMeasurement(service.name(), service.config(), startupMs, phases, failure);
  }

  /**
   * Measures a service started elsewhere (for example the test bed's, through its load balancer):
   * waits for its first correct reply, warms it up and runs the phases; never starts or stops it.
   * Its startup time is the wait, not a JVM start.
   */
  public ServiceMeasurement measureRunning(String name, String config, URI url)
      throws InterruptedException {
    say("%s (%s): measuring the service running at %s", name, config, url);
    Long waitedMs = null;
    List<LoadResult> phases = new ArrayList<>();
    String failure = null;
    try {
      waitedMs =
          new FirstReplyProbe(url, PROBE, settings.startupTimeout()).awaitReplyFromRunning(name);
      failure = runPhases(name, url, null, phases);
    } catch (ServiceStartException e) {
      failure = e.getMessage();
      say("%s", failure);
    }
    return new ServiceMeasurement(name, config, waitedMs, phases, failure);
  }

  /**
   * Runs warm-up and phases; returns why it stopped early, or null. {@code child}: null if none.
   */
  private String runPhases(String name, URI url, ChildProcess child, List<LoadResult> phases)
      throws InterruptedException {
    LoadGenerator generator = new LoadGenerator(url, settings.clientThreads());
    EchoWorkload workload = new EchoWorkload();
    if (!settings.warmup().isZero()) {
      say(
          "%s: warming up for %s with %d connections",
          name, BenchOptions.format(settings.warmup()), WARMUP_CONNECTIONS);
      generator.run(
          new LoadPlan(
              WARMUP_CONNECTIONS, settings.warmup(), Duration.ZERO, settings.requestTimeout()),
          workload);
    }
    for (int connections : settings.connections()) {
      if (child != null && !child.isAlive()) {
        return name
            + " exited (code "
            + child.exitCode()
            + ") before the "
            + connections
            + "-connection phase; log: "
            + child.stderr();
      }
      LoadResult result =
          generator.run(
              new LoadPlan(
                  connections, settings.settle(), settings.duration(), settings.requestTimeout()),
              workload);
      phases.add(result);
      say(
          "%s: %3d conn: %,.1f req/s, p50 %.3f ms, p99 %.3f ms, errors %s",
          name,
          connections,
          result.requestsPerSecond(),
          result.p50Ms(),
          result.p99Ms(),
          result.errorSummary());
    }
    return null;
  }

  private void say(String format, Object... args) {
    progress.println("[bench] " + String.format(Locale.ROOT, format, args));
    progress.flush();
  }
}
