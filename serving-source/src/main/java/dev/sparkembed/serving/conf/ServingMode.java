package dev.sparkembed.serving.conf;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where a query's HTTP servers run. Used on the driver and on executors. */
public enum ServingMode {
  /** One server in the driver JVM. */
  HEAD,
  /** One server in every executor JVM. */
  DISTRIBUTED;

  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  static ServingMode parse(String key, String value) {
    for (ServingMode mode : values()) {
      if (mode.optionValue().equalsIgnoreCase(value.trim())) {
        return mode;
      }
    }
    throw ServingErrors.invalidOption(
        key,
        value,
        Arrays.stream(values()).map(ServingMode::optionValue).collect(Collectors.joining(" or ")));
  }
}
