package dev.sparkembed.serving.source;

import java.util.LinkedHashMap;
import java.util.Map;

/** The source's counters for Spark's query progress ({@code sources[].metrics}). Driver. */
final class SourceMetrics {
  private SourceMetrics() {}

  static Map<String, String> of(ServerPlacement placement) {
    Map<String, Long> sum = new LinkedHashMap<>();
    long depth = 0;
    int servers = 0;
    for (QueueHandle q : placement.queues()) {
      servers++;
      if (q instanceof LocalQueueHandle local && local.queue() != null) {
        depth += local.queue().depth();
        local.queue().metrics().snapshot().forEach((k, v) -> sum.merge(k, v, Long::sum));
      } else if (q instanceof RemoteQueueHandle remote && remote.status() != null) {
        depth += remote.status().depth();
        remote.status().metrics().forEach((k, v) -> sum.merge(k, v, Long::sum));
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    out.put("servers", Integer.toString(servers));
    out.put("queueDepth", Long.toString(depth));
    // A mean does not add up across servers: left out here.
    sum.remove("meanLatencyMicros");
    sum.forEach((k, v) -> out.put(k, Long.toString(v)));
    return out;
  }
}
