package dev.sparkembed.bench;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.HdrHistogram.Histogram;

/**
 * What one measured closed-loop phase saw: good replies, their rate and latency percentiles, and
 * the errors by kind. Latencies are of good replies only, so errors never make a system look
 * faster. Percentiles are {@code NaN} when no good reply arrived.
 *
 * @param connections keep-alive connections held open during the phase
 * @param seconds the measured window, in seconds
 * @param ok replies with status 200 and the expected body
 * @param errors requests that failed, by kind (every kind present, zero when none)
 */
public record LoadResult(
    int connections,
    double seconds,
    long ok,
    Map<ErrorKind, Long> errors,
    double p50Ms,
    double p90Ms,
    double p99Ms,
    double maxMs,
    double meanMs) {

  /** The columns of {@link #toRow}. */
  public static final List<String> COLUMNS =
      List.of(
          "config",
          "conns",
          "ok",
          "req/s",
          "replies/s",
          "p50 ms",
          "p90 ms",
          "p99 ms",
          "max ms",
          "errors");

  public LoadResult {
    EnumMap<ErrorKind, Long> all = new EnumMap<>(ErrorKind.class);
    for (ErrorKind kind : ErrorKind.values()) {
      all.put(kind, errors.getOrDefault(kind, 0L));
    }
    errors = Map.copyOf(all);
  }

  static LoadResult of(
      int connections, double seconds, long ok, Map<ErrorKind, Long> errors, Histogram micros) {
    boolean any = micros.getTotalCount() > 0;
    return new LoadResult(
        connections,
        seconds,
        ok,
        errors,
        any ? micros.getValueAtPercentile(50) / 1e3 : Double.NaN,
        any ? micros.getValueAtPercentile(90) / 1e3 : Double.NaN,
        any ? micros.getValueAtPercentile(99) / 1e3 : Double.NaN,
        any ? micros.getMaxValue() / 1e3 : Double.NaN,
        any ? micros.getMean() / 1e3 : Double.NaN);
  }

  /** Good replies per second of the measured window. */
  public double requestsPerSecond() {
    return seconds > 0 ? ok / seconds : Double.NaN;
  }

  /**
   * Every reply received per second, good or not (status and wrong-body errors included): what a
   * tool that does not check replies, such as wrk, reports as requests per second.
   */
  public double repliesPerSecond() {
    return seconds > 0 ? replies() / seconds : Double.NaN;
  }

  public long errorCount(ErrorKind kind) {
    return errors.get(kind);
  }

  public long totalErrors() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Replies received: good ones plus those with a bad status or a wrong body. */
  public long replies() {
    return ok + errorCount(ErrorKind.STATUS) + errorCount(ErrorKind.WRONG_BODY);
  }

  /** {@code "0"}, or the non-zero kinds such as {@code "wrong-body 98, timeout 2"}. */
  public String errorSummary() {
    StringJoiner joiner = new StringJoiner(", ");
    for (ErrorKind kind : ErrorKind.values()) {
      long n = errors.get(kind);
      if (n > 0) {
        joiner.add(kind.label() + " " + n);
      }
    }
    return joiner.length() == 0 ? "0" : joiner.toString();
  }

  /** The values for {@link #COLUMNS}, in order, for a {@link BenchReport} row. */
  public Object[] toRow(String config) {
    return new Object[] {
      config,
      connections,
      ok,
      orNull(requestsPerSecond()),
      orNull(repliesPerSecond()),
      orNull(p50Ms),
      orNull(p90Ms),
      orNull(p99Ms),
      orNull(maxMs),
      errorSummary()
    };
  }

  /** Every field, for JSON reports; missing numbers are {@code null}. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("connections", connections);
    map.put("seconds", seconds);
    map.put("ok", ok);
    map.put("replies", replies());
    map.put("requestsPerSecond", orNull(requestsPerSecond()));
    map.put("repliesPerSecond", orNull(repliesPerSecond()));
    map.put("p50Ms", orNull(p50Ms));
    map.put("p90Ms", orNull(p90Ms));
    map.put("p99Ms", orNull(p99Ms));
    map.put("maxMs", orNull(maxMs));
    map.put("meanMs", orNull(meanMs));
    Map<String, Long> errorMap = new LinkedHashMap<>();
    for (ErrorKind kind : ErrorKind.values()) {
      errorMap.put(kind.label(), errors.get(kind));
    }
    map.put("errors", errorMap);
    return map;
  }

  static Double orNull(double d) {
    return Double.isNaN(d) ? null : d;
  }
}
