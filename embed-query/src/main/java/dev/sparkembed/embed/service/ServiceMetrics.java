package dev.sparkembed.embed.service;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The service's metrics in one JVM, rendered in Prometheus' text format by {@code GET /metrics}:
 * requests by endpoint and status, a latency histogram per endpoint, texts per model call, queue
 * depth, and texts and tokens embedded. Lock-free (adders), so recording from event loops and task
 * threads costs little. {@link #jvm()} is the JVM-wide instance the server and the model calls of
 * this JVM share; every JVM that serves requests exposes its own.
 */
public final class ServiceMetrics {
  private static final double[] LATENCY_BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };
  private static final double[] BATCH_BUCKETS = {
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192
  };
  private static final Set<String> GET_PATHS =
      Set.of("/healthz", "/readyz", "/metrics", "/v1/models", "/api/tags", "/api/version");

  // Declared after the bucket arrays it uses: static fields initialise in order.
  private static final ServiceMetrics JVM = new ServiceMetrics();

  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
  private final Histogram batchTexts = new Histogram(BATCH_BUCKETS);
  private final Histogram modelSeconds = new Histogram(LATENCY_BUCKETS);
  private final LongAdder texts = new LongAdder();
  private final LongAdder tokens = new LongAdder();
  private volatile LongSupplier queueDepth = () -> 0;

  /** A fresh, empty set (tests; the service uses {@link #jvm()}). */
  public ServiceMetrics() {}

  public static ServiceMetrics jvm() {
    return JVM;
  }

  /** Counts one answered request, under its endpoint's label, with its latency. */
  public void recordRequest(String path, int status, long nanos) {
    String endpoint = endpointLabel(path);
    requests.computeIfAbsent(endpoint + '\u0000' + status, k -> new LongAdder()).increment();
    latency.computeIfAbsent(endpoint, k -> new Histogram(LATENCY_BUCKETS)).observe(nanos / 1e9);
  }

  /** Counts one model call: how many texts it embedded, their tokens, and its duration. */
  public void recordModelCall(int textCount, long tokenCount, long nanos) {
    batchTexts.observe(textCount);
    modelSeconds.observe(nanos / 1e9);
    texts.add(textCount);
    tokens.add(tokenCount);
  }

  /** Where the queue depth comes from (the serving source's pending requests). */
  public void queueDepth(LongSupplier supplier) {
    this.queueDepth = supplier;
  }

  public long textsEmbedded() {
    return texts.sum();
  }

  /** Requests counted for an endpoint label and status (for tests and the bench). */
  public long requestCount(String path, int status) {
    LongAdder a = requests.get(endpointLabel(path) + '\u0000' + status);
    return a == null ? 0 : a.sum();
  }

  /** Endpoints are labelled by their template, so Azure deployment names add no series. */
  static String endpointLabel(String path) {
    ApiFormat format = ApiFormat.forPath(path);
    if (format != null) {
      return format.path();
    }
    return GET_PATHS.contains(path) ? path : "other";
  }

  /** The Prometheus text exposition (format 0.0.4). */
  public String render() {
    StringBuilder out = new StringBuilder(4096);
    header(
        out,
        "spark_embed_requests_total",
        "counter",
        "HTTP requests answered, by endpoint and status.");
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(requests).entrySet()) {
      String[] parts = e.getKey().split("\u0000", 2);
      out.append("spark_embed_requests_total{endpoint=\"")
          .append(parts[0])
          .append("\",status=\"")
          .append(parts[1])
          .append("\"} ")
          .append(e.getValue().sum())
          .append('\n');
    }
    header(
        out,
        "spark_embed_request_duration_seconds",
        "histogram",
        "Time from a request's arrival to its answer, by endpoint.");
    for (Map.Entry<String, Histogram> e : new TreeMap<>(latency).entrySet()) {
      e.getValue()
          .render(out, "spark_embed_request_duration_seconds", "endpoint=\"" + e.getKey() + "\",");
    }
    header(out, "spark_embed_batch_texts", "histogram", "Texts embedded per model call.");
    batchTexts.render(out, "spark_embed_batch_texts", "");
    header(out, "spark_embed_model_call_seconds", "histogram", "Duration of each model call.");
    modelSeconds.render(out, "spark_embed_model_call_seconds", "");
    header(out, "spark_embed_queue_depth", "gauge", "Requests waiting for a batch.");
    out.append("spark_embed_queue_depth ").append(queueDepth.getAsLong()).append('\n');
    header(out, "spark_embed_texts_total", "counter", "Texts embedded.");
    out.append("spark_embed_texts_total ").append(texts.sum()).append('\n');
    header(out, "spark_embed_tokens_total", "counter", "Tokens fed to the model.");
    out.append("spark_embed_tokens_total ").append(tokens.sum()).append('\n');
    return out.toString();
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** A fixed-bucket histogram; buckets count non-cumulatively and render cumulatively. */
  private static final class Histogram {
    private final double[] bounds;
    private final LongAdder[] counts;
    private final DoubleAdder sum = new DoubleAdder();
    private final LongAdder count = new LongAdder();

    Histogram(double[] bounds) {
      this.bounds = bounds;
      this.counts = new LongAdder[bounds.length + 1];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double value) {
      int i = 0;
      while (i < bounds.length && value > bounds[i]) {
        i++;
      }
      counts[i].increment();
      sum.add(value);
      count.increment();
    }

    void render(StringBuilder out, String name, String labels) {
      long cumulative = 0;
      for (int i = 0; i <= bounds.length; i++) {
        cumulative += counts[i].sum();
        String le = i == bounds.length ? "+Inf" : format(bounds[i]);
        out.append(name)
            .append("_bucket{")
            .append(labels)
            .append("le=\"")
            .append(le)
            .append("\"} ")
            .append(cumulative)
            .append('\n');
      }
      String plain = labels.isEmpty() ? "" : "{" + labels.substring(0, labels.length() - 1) + "}";
      out.append(name)
          .append("_sum")
          .append(plain)
          .append(' ')
          .append(format(sum.sum()))
          .append('\n');
      out.append(name).append("_count").append(plain).append(' ').append(count.sum()).append('\n');
    }

    private static String format(double d) {
      return d == Math.rint(d) && Math.abs(d) < 1e15
          ? Long.toString((long) d)
          : java.math.BigDecimal.valueOf(d).toPlainString();
    }
  }
}
