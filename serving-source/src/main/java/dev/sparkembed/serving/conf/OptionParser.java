package dev.sparkembed.serving.conf;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values out of a case-insensitive option map and rejects bad ones with a message that
 * names the option, the value and what was expected. Driver side.
 */
final class OptionParser {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|min|h)");

  private final Map<String, String> options;

  OptionParser(Map<String, String> options) {
    this.options = options;
  }

  String string(String key, String defaultValue) {
    String value = options.get(key);
    return value == null ? defaultValue : value;
  }

  String requiredString(String key, String expected) {
    String value = options.get(key);
    if (value == null || value.isBlank()) {
      throw ServingErrors.missingOption(key, expected);
    }
    return value;
  }

  boolean has(String key) {
    return options.get(key) != null;
  }

  int intInRange(String key, int defaultValue, int min, int max) {
    String value = options.get(key);
    if (value == null) {
      return defaultValue;
    }
    String expected = max == Integer.MAX_VALUE ? "an integer >= " + min : min + "-" + max;
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < min || parsed > max) {
        throw ServingErrors.invalidOption(key, value, expected);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw ServingErrors.invalidOption(key, value, expected);
    }
  }

  long durationMs(String key, long defaultMs) {
    String value = options.get(key);
    if (value == null) {
      return defaultMs;
    }
    Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
    String expected = "a positive duration such as 500ms, 30s or 2m";
    if (!m.matches()) {
      throw ServingErrors.invalidOption(key, value, expected);
    }
    long amount;
    try {
      amount = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw ServingErrors.invalidOption(key, value, expected);
    }
    long ms =
        switch (m.group(2)) {
          case "ms" -> amount;
          case "s" -> amount * 1_000;
          case "m", "min" -> amount * 60_000;
          default -> amount * 3_600_000;
        };
    if (ms <= 0 || ms > 24L * 3_600_000) {
      throw ServingErrors.invalidOption(key, value, expected + ", at most 24h");
    }
    return ms;
  }
}
