package dev.sparkembed.bench;

import dev.sparkembed.serving.conf.ServingErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the value forms shared by every bench command: durations ({@code 500ms}, {@code 20s},
 * {@code 2m}) and connection lists ({@code 1,16,256}). Runs in the CLI JVM.
 */
public final class BenchOptions {
  private static final String DURATION_FORM = "a duration such as 500ms, 20s or 2m";
  private static final int MAX_CONNECTIONS = 10_000;

  private BenchOptions() {}

  /** Parses a non-negative duration; a bare number means seconds. */
  public static Duration duration(String option, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (v.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1e3));
      } else if (v.endsWith("m")) {
        d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 6e4));
      } else {
        d = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1e3));
      }
      if (d.isNegative()) {
        throw invalid(option, value);
      }
      return d;
    } catch (NumberFormatException e) {
      throw invalid(option, value);
    }
  }

  /** Parses a comma-separated list of connection counts, each 1-10000. */
  public static List<Integer> connections(String option, String value) {
    String expected = "comma-separated connection counts, each 1-" + MAX_CONNECTIONS;
    if (value == null || value.isBlank()) {
      throw ServingErrors.invalidOption(option, "'" + value + "'", expected);
    }
    List<Integer> counts = new ArrayList<>();
    for (String part : value.split(",")) {
      try {
        int n = Integer.parseInt(part.trim());
        if (n < 1 || n > MAX_CONNECTIONS) {
          throw ServingErrors.invalidOption(option, value, expected);
        }
        counts.add(n);
      } catch (NumberFormatException e) {
        throw ServingErrors.invalidOption(option, value, expected);
      }
    }
    return List.copyOf(counts);
  }

  /** Formats a duration the way {@link #duration} reads it back. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  private static IllegalArgumentException invalid(String option, String value) {
    return ServingErrors.invalidOption(option, value, DURATION_FORM);
  }
}
