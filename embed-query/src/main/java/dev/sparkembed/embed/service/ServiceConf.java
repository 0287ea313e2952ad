package dev.sparkembed.embed.service;

import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.serving.conf.ServingErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything {@code spark-embed serve} was told, validated once on the driver; errors name the
 * option and the bad value.
 *
 * @param host the address the server binds (127.0.0.1; 0.0.0.0 in containers)
 * @param port the port (in distributed mode the first of the executors' ports)
 * @param mode {@code head} or {@code distributed}
 * @param continuous Spark's continuous trigger instead of micro-batches
 * @param master the Spark master URL
 * @param model what model to load where
 * @param apiKey the key every embedding endpoint requires, or {@code null}
 * @param tlsCert PEM certificate chain for HTTPS, or {@code null} for plain HTTP
 * @param tlsKey PEM PKCS#8 private key for HTTPS, or {@code null}
 * @param limits per-request limits
 * @param maxQueuedRequests requests waiting for a batch before new ones get 503
 * @param requestTimeout how long a request may wait for its answer before a 504
 * @param maxRequestsPerBatch requests one micro-batch reads from one server
 * @param numPartitions partitions per server per batch (continuous: readers per server), or 0 for
 *     Spark's parallelism (continuous: one reader per server, see {@link ContinuousLayout})
 * @param sparkConf extra Spark settings ({@code --conf key=value})
 */
public record ServiceConf(
    String host,
    int port,
    String mode,
    boolean continuous,
    String master,
    ModelSpec model,
    String apiKey,
    Path tlsCert,
    Path tlsKey,
    ServiceLimits limits,
    int maxQueuedRequests,
    Duration requestTimeout,
    int maxRequestsPerBatch,
    int numPartitions,
    Map<String, String> sparkConf) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8888;
  public static final String API_KEY_ENV = "SPARK_EMBED_API_KEY";

  public ServiceConf {
    if (host == null || host.isBlank()) {
      throw invalid("host", host, "an address such as 127.0.0.1 or 0.0.0.0");
    }
    if (port < 1 || port > 65535) {
      throw invalid("port", port, "1-65535");
    }
    if (!"head".equals(mode) && !"distributed".equals(mode)) {
      throw invalid("mode", mode, "head or distributed");
    }
    if (master == null || master.isBlank()) {
      throw invalid("master", master, "a Spark master URL such as local[*] or spark://host:7077");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw tlsCert == null
          ? ApiErrors.optionsGoTogether("tls-key", "tls-cert")
          : ApiErrors.optionsGoTogether("tls-cert", "tls-key");
    }
    if (tlsCert != null) {
      requireFile("tls-cert", tlsCert);
      requireFile("tls-key", tlsKey);
    }
    if (apiKey != null && apiKey.isBlank()) {
      throw invalid("api-key", "(blank)", "a non-empty key, or no option for an open service");
    }
    if (maxQueuedRequests < 1) {
      throw invalid("max-queued-requests", maxQueuedRequests, "at least 1");
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw invalid("request-timeout", requestTimeout, "more than zero, e.g. 30s");
    }
    if (maxRequestsPerBatch < 1) {
      throw invalid("max-requests-per-batch", maxRequestsPerBatch, "at least 1");
    }
    if (numPartitions < 0) {
      throw invalid("num-partitions", numPartitions, "0 (Spark's parallelism) or more");
    }
    sparkConf = Map.copyOf(sparkConf);
  }

  public boolean tls() {
    return tlsCert != null;
  }

  public ApiKeyCheck apiKeyCheck() {
    return ApiKeyCheck.of(apiKey);
  }

  /** The address clients use, for log lines and the README. */
  public String baseUrl() {
    String shown = "0.0.0.0".equals(host) ? "127.0.0.1" : host;
    return (tls() ? "https://" : "http://") + shown + ":" + port;
  }

  private static void requireFile(String option, Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw invalid(option, file, "a readable PEM file");
    }
  }

  private static IllegalArgumentException invalid(String option, Object value, String expected) {
    return ServingErrors.invalidOption("--" + option, value, expected);
  }
}
