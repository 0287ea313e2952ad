package dev.sparkembed.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link ServingBenchmark} measured for one service: its startup time and one {@link
 * LoadResult} per phase, or why it could not be measured (then {@code failure} is set and the
 * phases measured before the failure are kept).
 *
 * @param startupMs milliseconds from starting the JVM to the first correct reply, or null
 * @param failure why the service could not be (fully) measured, or null
 */
public record ServiceMeasurement(
    String name, String config, Long startupMs, List<LoadResult> phases, String failure) {

  public ServiceMeasurement {
    phases = List.copyOf(phases);
  }

  public boolean failed() {
    return failure != null;
  }

  /** The phase run with {@code connections}, or null when it was not run. */
  public LoadResult phase(int connections) {
    return phases.stream().filter(p -> p.connections() == connections).findFirst().orElse(null);
  }

  /** Every field, for JSON reports. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", name);
    map.put("config", config);
    map.put("startupMs", startupMs);
    map.put("failure", failure);
    map.put("phases", phases.stream().map(LoadResult::toMap).toList());
    return map;
  }
}
