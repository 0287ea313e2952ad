package dev.sparkembed.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the measurements of spark-embed and, optionally, a baseline measured in the same run into
 * one {@link BenchReport}: a row per system and connection count, with the ratios on spark-embed's
 * rows (throughput: our good replies per second / every reply of the baseline per second, so a
 * baseline's wrong replies still count in its favour; p50: baseline / ours; above 1 means
 * spark-embed is better in both). Runs in the benchmarking JVM.
 */
public final class ServingReport {
  public static final String REQS_RATIO = "req/s x";
  public static final String P50_RATIO = "p50 x";

  private ServingReport() {}

  /** The columns: {@link LoadResult#COLUMNS} with "config" renamed "system", then the ratios. */
  public static List<String> columns() {
    List<String> columns = new ArrayList<>(LoadResult.COLUMNS);
    columns.set(0, "system");
    columns.add(REQS_RATIO);
    columns.add(P50_RATIO);
    return columns;
  }

  /**
   * @param baseline the system compared against, or null when none was measured
   */
  public static BenchReport build(
      String title,
      List<Integer> connections,
      ServiceMeasurement ours,
      ServiceMeasurement baseline) {
    BenchReport report = new BenchReport(title, columns());
    for (int n : connections) {
      LoadResult mine = ours.phase(n);
      LoadResult theirs = baseline == null ? null : baseline.phase(n);
      report.row(row(ours, n, mine, ratio(mine, theirs, true), ratio(mine, theirs, false)));
      if (baseline != null) {
        report.row(row(baseline, n, theirs, null, null));
      }
    }
    if (baseline != null) {
      report.note(
          REQS_RATIO
              + " = "
              + ours.name()
              + " req/s / "
              + baseline.name()
              + " replies/s (its wrong replies counted as served); "
              + P50_RATIO
              + " = "
              + baseline.name()
              + " p50 / "
              + ours.name()
              + " p50 (above 1: "
              + ours.name()
              + " is better). Both measured in this run.");
    }
    report.note(
        "ok, req/s and latencies count good replies only (status 200 and the request's own body);"
            + " replies/s counts every reply.");
    List<ServiceMeasurement> all = new ArrayList<>();
    all.add(ours);
    if (baseline != null) {
      all.add(baseline);
    }
    List<String> startups = new ArrayList<>();
    Map<String, Object> results = new LinkedHashMap<>();
    for (ServiceMeasurement m : all) {
      startups.add(
          m.name() + " " + (m.startupMs() == null ? "-" : String.format("%,d ms", m.startupMs())));
      results.put(m.name(), m.toMap());
      long wrong = m.phases().stream().mapToLong(p -> p.errorCount(ErrorKind.WRONG_BODY)).sum();
      if (wrong > 0) {
        report.note(
            m.name()
                + " answered "
                + wrong
                + " requests with another request's reply"
                + " (wrong-body errors).");
      }
      if (m.failed()) {
        report.note(m.name() + " not fully measured: " + firstLine(m.failure()));
      }
    }
    report.note("Startup to first correct reply: " + String.join("; ", startups) + ".");
    report.fact("results", results);
    return report;
  }

  private static Object[] row(
      ServiceMeasurement m, int connections, LoadResult r, Double x, Double p50x) {
    Object[] values;
    if (r == null) {
      values = new Object[LoadResult.COLUMNS.size()];
      values[0] = m.name();
      values[1] = connections;
      values[values.length - 1] = m.failed() ? "not measured" : "-";
    } else {
      values = r.toRow(m.name());
    }
    Object[] withRatios = java.util.Arrays.copyOf(values, values.length + 2);
    withRatios[values.length] = x;
    withRatios[values.length + 1] = p50x;
    return withRatios;
  }

  /**
   * Our good replies/s over all of theirs, or their p50 over ours; null when either is missing or
   * zero.
   */
  static Double ratio(LoadResult ours, LoadResult theirs, boolean throughput) {
    if (ours == null || theirs == null) {
      return null;
    }
    double num = throughput ? ours.requestsPerSecond() : theirs.p50Ms();
    double den = throughput ? theirs.repliesPerSecond() : ours.p50Ms();
    if (Double.isNaN(num) || Double.isNaN(den) || den == 0) {
      return null;
    }
    return num / den;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
