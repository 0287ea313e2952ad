package dev.sparkembed.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running child JVM started by {@link ChildJvm}: its pid, start time and logs, and a bounded stop
 * (the graceful action if any, then SIGTERM, then SIGKILL). A JVM shutdown hook kills it if the
 * benchmarking JVM exits first, so no service outlives the bench command. Runs in the benchmarking
 * JVM.
 */
public final class ChildProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

  private final String name;
  private final Process process;
  private final long startNanos;
  private final Path stdout;
  private final Path stderr;
  private final Runnable gracefulStop;
  private final Thread killOnExit;

  ChildProcess(
      String name,
      Process process,
      long startNanos,
      Path stdout,
      Path stderr,
      Runnable gracefulStop) {
    this.name = name;
    this.process = process;
    this.startNanos = startNanos;
    this.stdout = stdout;
    this.stderr = stderr;
    this.gracefulStop = gracefulStop;
    this.killOnExit = new Thread(this::kill, "kill-" + name);
    Runtime.getRuntime().addShutdownHook(killOnExit);
    LOG.info("Started {} (pid {})", name, process.pid());
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** {@link System#nanoTime} just before the process was started. */
  public long startNanos() {
    return startNanos;
  }

  /** Milliseconds since just before the process was started. */
  public long millisSinceStart() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** Waits up to {@code maxWait} for the process to exit; true when it has. */
  public boolean awaitExit(Duration maxWait) throws InterruptedException {
    return process.waitFor(maxWait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Completes when the process exits. */
  public java.util.concurrent.CompletableFuture<Process> awaitExitFuture() {
    return process.onExit();
  }

  /** The exit code, or -1 while it runs. */
  public int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  public Path stdout() {
    return stdout;
  }

  public Path stderr() {
    return stderr;
  }

  /**
   * Stops the child: runs the graceful action (if any) and waits {@code grace}, then SIGTERM and
   * waits {@code grace}, then SIGKILL. Returns the exit code.
   */
  public int stop(Duration grace) throws InterruptedException {
    try {
      if (process.isAlive() && gracefulStop != null) {
        try {
          gracefulStop.run();
          if (awaitExit(grace)) {
            return finished("stopped gracefully");
          }
          LOG.warn("{} still running {} after its stop request; sending SIGTERM", name, grace);
        } catch (RuntimeException e) {
          LOG.warn("Cannot ask {} to stop ({}); sending SIGTERM", name, e.toString());
        }
      }
      if (process.isAlive()) {
        process.destroy();
        if (awaitExit(grace)) {
          return finished("stopped by SIGTERM");
        }
        LOG.warn("{} still running {} after SIGTERM; killing it", name, grace);
      }
      kill();
      process.waitFor(10, TimeUnit.SECONDS);
      return finished("stopped");
    } finally {
      removeHook();
    }
  }

  /** {@link #stop} with a 30 s grace; if interrupted, kills the child at once. */
  @Override
  public void close() {
    try {
      stop(DEFAULT_GRACE);
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
    }
  }

  private int finished(String how) {
    int code = process.isAlive() ? -1 : process.exitValue();
    LOG.info("{} (pid {}) {}, exit code {}", name, process.pid(), how, code);
    return code;
  }

  private void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private void removeHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs and finds the process gone.
    }
  }

  /** The last {@code maxLines} lines of stderr then stdout, for error messages. */
  public String logTail(int maxLines) {
    StringBuilder sb = new StringBuilder();
    for (Path log : new Path[] {stderr, stdout}) {
      List<String> tail = tail(log, maxLines);
      if (!tail.isEmpty()) {
        sb.append("[").append(log).append("]\n");
        tail.forEach(line -> sb.append(line).append('\n'));
      }
    }
    return sb.toString();
  }

  private static List<String> tail(Path log, int maxLines) {
    if (log == null || !Files.isRegularFile(log)) {
      return List.of();
    }
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return new ArrayList<>(lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of("(cannot read " + log + ": " + e + ")");
    }
  }
}
