package dev.sparkembed.embed.jobs;

import java.io.PrintStream;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows a job's {@link JobProgress}: a redrawn bar (rows, rows/s, ETA) when a person watches a
 * terminal, a log line every {@code logEvery} otherwise (pipes, CI, services). Driver only; one
 * daemon thread while the job runs.
 */
public final class ProgressPrinter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressPrinter.class);
  private static final int BAR_WIDTH = 30;

  private final JobProgress progress;
  private final PrintStream terminal;
  private final ScheduledExecutorService timer;

  private ProgressPrinter(JobProgress progress, PrintStream terminal, long periodMillis) {
    this.progress = progress;
    this.terminal = terminal;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "batch-progress");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(this::show, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** A bar on {@code System.err} when {@code System.console()} exists, else log lines. */
  public static ProgressPrinter start(JobProgress progress) {
    return System.console() != null
        ? new ProgressPrinter(progress, System.err, 500)
        : new ProgressPrinter(progress, null, 10_000);
  }

  private void show() {
    long total = progress.rowsTotal();
    if (total < 0) {
      return;
    }
    if (terminal != null) {
      terminal.print("\r" + bar(progress));
      terminal.flush();
    } else {
      LOG.info("Progress: {}", line(progress));
    }
  }

  /** {@code [#####.....] 4,000/10,000 rows 812 rows/s ETA 0:07}. */
  static String bar(JobProgress p) {
    long total = Math.max(p.rowsTotal(), 0);
    long done = p.rowsDone();
    int filled = total == 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
    return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + line(p) + "   ";
  }

  static String line(JobProgress p) {
    long total = Math.max(p.rowsTotal(), 0);
    long done = p.rowsDone();
    OptionalLong eta = p.etaSeconds();
    return String.format(
        Locale.ROOT,
        "%,d/%,d rows (%d%%), %,.0f rows/s, ETA %s",
        done,
        total,
        total == 0 ? 100 : done * 100 / total,
        p.rowsPerSecond(),
        eta.isPresent() ? duration(eta.getAsLong()) : "-");
  }

  static String duration(long seconds) {
    return seconds >= 3600
        ? String.format(
            Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    if (terminal != null) {
      terminal.print("\r" + bar(progress) + System.lineSeparator());
      terminal.flush();
    }
  }
}
