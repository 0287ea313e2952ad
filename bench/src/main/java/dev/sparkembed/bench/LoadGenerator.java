package dev.sparkembed.bench;

import dev.sparkembed.serving.conf.ServingErrors;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A closed-loop HTTP/1.1 load generator on Netty: N keep-alive connections (TCP_NODELAY), each
 * sending its next POST as soon as the previous reply arrived, for a warm-up (discarded) and then a
 * measured window. Every reply is checked (status 200 and the body its own request expects), so a
 * reply delivered to the wrong client counts as an error. Latencies go to an HdrHistogram in
 * microseconds. Runs in the benchmarking JVM (the CLI), never inside the measured service; {@link
 * #main} runs it as a JVM of its own.
 */
public final class LoadGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
  private static final long STOP_WAIT_MS = 5_000;

  private final URI target;
  private final int ioThreads;

  /**
   * @param target {@code http://host:port/path}; every request is a POST to it
   * @param ioThreads Netty I/O threads; 1 keeps the generator to one core, like {@code wrk -t1}
   */
  public LoadGenerator(URI target, int ioThreads) {
    if (!"http".equals(target.getScheme()) || target.getHost() == null || target.getPort() < 1) {
      throw ServingErrors.invalidOption(
          "url", target, "http://host:port/path with an explicit port");
    }
    if (ioThreads < 1) {
      throw ServingErrors.invalidOption("client-threads", ioThreads, "at least 1");
    }
    this.target = target;
    this.ioThreads = ioThreads;
  }

  public URI target() {
    return target;
  }

  /** Runs one phase and returns what its measured window saw. */
  public LoadResult run(LoadPlan plan, Workload workload) throws InterruptedException {
    LOG.debug(
        "Load phase on {}: {} connections, warm-up {}, measured {}",
        target,
        plan.connections(),
        plan.warmup(),
        plan.duration());
    EventLoopGroup group =
        new NioEventLoopGroup(ioThreads, new DefaultThreadFactory("spark-embed-load", true));
    try {
      LoadStats stats = new LoadStats();
      LoadRun run = new LoadRun(group, target, workload, plan, stats);
      for (int i = 0; i < plan.connections(); i++) {
        run.connect();
      }
      LoadResult result = measure(group.next(), plan, stats);
      run.stop(STOP_WAIT_MS);
      return result;
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(STOP_WAIT_MS);
    }
  }

  /** Opens the measured window after the warm-up and closes it after the duration. */
  private static LoadResult measure(EventLoop timer, LoadPlan plan, LoadStats stats)
      throws InterruptedException {
    CompletableFuture<LoadResult> done = new CompletableFuture<>();
    long warmupNanos = plan.warmup().toNanos();
    long durationNanos = plan.duration().toNanos();
    timer.schedule(
        () -> {
          if (durationNanos == 0) {
            done.complete(LoadStats.nothingMeasured(plan.connections()));
            return;
          }
          stats.startMeasuring();
          timer.schedule(
              () -> done.complete(stats.stopMeasuring(plan.connections())),
              durationNanos,
              TimeUnit.NANOSECONDS);
        },
        warmupNanos,
        TimeUnit.NANOSECONDS);
    long maxWaitNanos = warmupNanos + durationNanos + TimeUnit.SECONDS.toNanos(60);
    try {
      return done.get(maxWaitNanos, TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Load phase timer did not fire; I/O threads stuck?", e);
    }
  }

  /**
   * {@code LoadGenerator --url http://127.0.0.1:8888/echo [--connections 1,16,256] [--warmup 5s]
   * [--duration 20s] [--request-timeout 10s] [--client-threads 1] [--json FILE]}: runs the echo
   * workload against a running service, prints a table and optionally writes JSON.
   */
  public static void main(String[] args) throws Exception {
    try {
      System.exit(runMain(args, System.out));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    }
  }

  static final String USAGE =
      "usage: LoadGenerator --url http://host:port/path [--connections 1,16,256] [--warmup 5s]"
          + " [--duration 20s] [--request-timeout 10s] [--client-threads 1] [--json FILE]";

  static int runMain(String[] args, PrintStream out) throws InterruptedException {
    URI url = null;
    List<Integer> connections = List.of(1, 16, 256);
    Duration warmup = Duration.ofSeconds(5);
    Duration duration = Duration.ofSeconds(20);
    Duration timeout = Duration.ofSeconds(10);
    int threads = 1;
    Path json = null;
    for (int i = 0; i < args.length; i++) {
      String key = args[i];
      if (i + 1 >= args.length) {
        throw ServingErrors.invalidOption(key, "(missing)", "a value after " + key);
      }
      String value = args[++i];
      switch (key) {
        case "--url" -> url = parseUrl(value);
        case "--connections" -> connections = BenchOptions.connections("connections", value);
        case "--warmup" -> warmup = BenchOptions.duration("warmup", value);
        case "--duration" -> duration = BenchOptions.duration("duration", value);
        case "--request-timeout" -> timeout = BenchOptions.duration("request-timeout", value);
        case "--client-threads" -> threads = parseThreads(value);
        case "--json" -> json = Path.of(value);
        default ->
            throw ServingErrors.invalidOption("argument", key, "one of the options in usage");
      }
    }
    if (url == null) {
      throw ServingErrors.invalidOption("url", "(missing)", "http://host:port/path");
    }
    LoadGenerator generator = new LoadGenerator(url, threads);
    BenchReport report = new BenchReport("load " + url, LoadResult.COLUMNS);
    List<Object> results = new ArrayList<>();
    for (int n : connections) {
      LoadResult r = generator.run(new LoadPlan(n, warmup, duration, timeout), new EchoWorkload());
      report.row(r.toRow(n + " conn"));
      results.add(r.toMap());
    }
    report.fact("url", url.toString()).fact("results", results);
    report.printTable(out);
    if (json != null) {
      report.writeJson(json);
      out.println("JSON: " + json.toAbsolutePath());
    }
    return 0;
  }

  private static URI parseUrl(String value) {
    try {
      return URI.create(value);
    } catch (IllegalArgumentException e) {
      throw ServingErrors.invalidOption("url", value, "http://host:port/path");
    }
  }

  private static int parseThreads(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw ServingErrors.invalidOption("client-threads", value, "a whole number, at least 1");
    }
  }
}
