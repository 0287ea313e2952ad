package dev.sparkembed.lb;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The balancer's counters and their Prometheus text rendering (format 0.0.4). Updated lock-free
 * from every event loop of the balancer's JVM.
 */
final class LbMetrics {

  /** The backend label of replies the balancer wrote itself (errors, admin endpoints). */
  static final String LOCAL = "lb";

  private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final AtomicLong openConnections = new AtomicLong();
  private final LongAdder acceptedConnections = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> attachRefused = new ConcurrentHashMap<>();
  private final AtomicLong attachConnections = new AtomicLong();

  /** Counts one answered request, by the backend that answered (or {@link #LOCAL}) and status. */
  void request(String backend, int status) {
    requests.computeIfAbsent(backend + '\u0000' + status, k -> new LongAdder()).increment();
  }

  /** Counts one backend failure: {@code connect}, {@code closed}, {@code timeout}. */
  void backendFailure(BackendAddress backend, String reason) {
    failures.computeIfAbsent(backend + "\u0000" + reason, k -> new LongAdder()).increment();
  }

  void connectionOpened() {
    openConnections.incrementAndGet();
    acceptedConnections.increment();
  }

  void connectionClosed() {
    openConnections.decrementAndGet();
  }

  /** Counts one refused attach handshake: {@code secret} or {@code malformed}. */
  void attachRefused(String reason) {
    attachRefused.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  void attachConnectionOpened() {
    attachConnections.incrementAndGet();
  }

  void attachConnectionClosed() {
    attachConnections.decrementAndGet();
  }

  /** The Prometheus exposition text: counters above plus per-backend gauges from {@code pool}. */
  String render(BackendPool pool) {
    StringBuilder out = new StringBuilder(1024);
    header(out, "spark_embed_lb_requests_total", "counter", "Requests answered, by backend.");
    for (Map.Entry<String, LongAdder> e : sorted(requests).entrySet()) {
      String[] parts = e.getKey().split("\u0000", 2);
      out.append("spark_embed_lb_requests_total{backend=\"")
          .append(escape(parts[0]))
          .append("\",status=\"")
          .append(parts[1])
          .append("\"} ")
          .append(e.getValue().sum())
          .append('\n');
    }
    header(
        out,
        "spark_embed_lb_backend_failures_total",
        "counter",
        "Backend failures seen while proxying, by reason.");
    for (Map.Entry<String, LongAdder> e : sorted(failures).entrySet()) {
      String[] parts = e.getKey().split("\u0000", 2);
      out.append("spark_embed_lb_backend_failures_total{backend=\"")
          .append(escape(parts[0]))
          .append("\",reason=\"")
          .append(parts[1])
          .append("\"} ")
          .append(e.getValue().sum())
          .append('\n');
    }
    header(out, "spark_embed_lb_backend_up", "gauge", "1 if the backend takes requests.");
    for (Backend b : pool.backends()) {
      gauge(out, "spark_embed_lb_backend_up", b, b.isUp() ? 1 : 0);
    }
    header(out, "spark_embed_lb_backend_outstanding", "gauge", "Requests in flight, by backend.");
    for (Backend b : pool.backends()) {
      gauge(out, "spark_embed_lb_backend_outstanding", b, b.outstanding());
    }
    header(out, "spark_embed_lb_backends", "gauge", "Known backends.");
    out.append("spark_embed_lb_backends ").append(pool.size()).append('\n');
    header(out, "spark_embed_lb_client_connections", "gauge", "Open client connections.");
    out.append("spark_embed_lb_client_connections ").append(openConnections.get()).append('\n');
    header(
        out, "spark_embed_lb_client_connections_total", "counter", "Client connections accepted.");
    out.append("spark_embed_lb_client_connections_total ")
        .append(acceptedConnections.sum())
        .append('\n');
    header(out, "spark_embed_lb_attach_connections", "gauge", "Open attach connections.");
    out.append("spark_embed_lb_attach_connections ").append(attachConnections.get()).append('\n');
    header(
        out,
        "spark_embed_lb_attach_refused_total",
        "counter",
        "Attach handshakes refused, by reason.");
    for (Map.Entry<String, LongAdder> e : sorted(attachRefused).entrySet()) {
      out.append("spark_embed_lb_attach_refused_total{reason=\"")
          .append(escape(e.getKey()))
          .append("\"} ")
          .append(e.getValue().sum())
          .append('\n');
    }
    return out.toString();
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void gauge(StringBuilder out, String name, Backend b, long value) {
    out.append(name)
        .append("{backend=\"")
        .append(escape(b.address().toString()))
        .append("\"} ")
        .append(value)
        .append('\n');
  }

  private static Map<String, LongAdder> sorted(Map<String, LongAdder> map) {
    return new TreeMap<>(map);
  }

  private static String escape(String label) {
    return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
