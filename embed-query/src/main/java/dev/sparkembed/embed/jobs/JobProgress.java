package dev.sparkembed.embed.jobs;

import java.util.OptionalLong;

/**
 * How far one batch job has got: rows to embed (known once validation has counted them), rows
 * embedded so far, rate and ETA. Updated by the job's thread and {@link RowCountListener}; read by
 * the progress printer and the controller. Driver only.
 */
public final class JobProgress {
  private volatile long total = -1;
  private volatile long embedStartNanos;
  private volatile long finishedRows = -1;
  private volatile long finishedNanos;
  private volatile RowCountListener listener;

  void start(long rowsToEmbed, RowCountListener rowListener) {
    this.total = rowsToEmbed;
    this.listener = rowListener;
    this.embedStartNanos = System.nanoTime();
  }

  void finish(long rows) {
    finishedNanos = System.nanoTime();
    finishedRows = rows;
  }

  /** Rows the job will embed, or -1 while they are not counted yet. */
  public long rowsTotal() {
    return total;
  }

  /** Rows embedded so far. */
  public long rowsDone() {
    if (finishedRows >= 0) {
      return finishedRows;
    }
    RowCountListener l = listener;
    long done = l == null ? 0 : l.count();
    return total >= 0 ? Math.min(done, total) : done;
  }

  /** Average rows per second since embedding started; 0 before. */
  public double rowsPerSecond() {
    long start = embedStartNanos;
    if (start == 0) {
      return 0;
    }
    long end = finishedRows >= 0 ? finishedNanos : System.nanoTime();
    double seconds = (end - start) / 1e9;
    return seconds <= 0 ? 0 : rowsDone() / seconds;
  }

  /** Seconds left at the current rate, when it can be told. */
  public OptionalLong etaSeconds() {
    double rate = rowsPerSecond();
    long left = total - rowsDone();
    if (total < 0 || rate <= 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(0, Math.round(left / rate)));
  }
}
