package dev.sparkembed.bench;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The counters of one load run: an HdrHistogram {@link Recorder} of good replies' latencies in
 * microseconds, and one counter per {@link ErrorKind}. Only the measured window counts; warm-up
 * results are discarded. Thread-safe: the load generator's I/O threads record, the phase timer
 * starts and stops the window.
 */
final class LoadStats {
  private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

  private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
  private final LongAdder ok = new LongAdder();
  private final Map<ErrorKind, LongAdder> errors = new EnumMap<>(ErrorKind.class);
  private volatile boolean measuring;
  private volatile long startNanos;

  LoadStats() {
    for (ErrorKind kind : ErrorKind.values()) {
      errors.put(kind, new LongAdder());
    }
  }

  /** Discards everything seen so far and opens the measured window. */
  void startMeasuring() {
    recorder.reset();
    ok.reset();
    errors.values().forEach(LongAdder::reset);
    startNanos = System.nanoTime();
    measuring = true;
  }

  /** Closes the measured window and returns what it saw. */
  LoadResult stopMeasuring(int connections) {
    measuring = false;
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    Histogram latencies = recorder.getIntervalHistogram();
    Map<ErrorKind, Long> counts = new EnumMap<>(ErrorKind.class);
    errors.forEach((kind, n) -> counts.put(kind, n.sum()));
    return LoadResult.of(connections, seconds, ok.sum(), counts, latencies);
  }

  /** An empty result, for a plan with no measured window. */
  static LoadResult nothingMeasured(int connections) {
    return LoadResult.of(
        connections, 0, 0, new EnumMap<>(ErrorKind.class), new Histogram(HIGHEST_MICROS, 3));
  }

  void ok(long latencyMicros) {
    if (measuring) {
      recorder.recordValue(Math.max(0, Math.min(latencyMicros, HIGHEST_MICROS)));
      ok.increment();
    }
  }

  void error(ErrorKind kind) {
    if (measuring) {
      errors.get(kind).increment();
    }
  }
}
