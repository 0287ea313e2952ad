package dev.sparkembed.serving.conf;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code httpserver} source's options, parsed and validated once on the driver (a bad value
 * fails the query at start, naming the option). Small and serializable: it travels to executors
 * that start servers in distributed mode.
 */
public final class HttpSourceConf implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String host;
  private final int port;
  private final String path;
  private final ServingMode mode;
  private final int maxQueuedRequests;
  private final int maxBodyBytes;
  private final long requestTimeoutMs;
  private final int maxRequestsPerBatch;
  private final int numPartitions;
  private final String secret;
  private final List<String> methods;

  private HttpSourceConf(
      String host,
      int port,
      String path,
      ServingMode mode,
      int maxQueuedRequests,
      int maxBodyBytes,
      long requestTimeoutMs,
      int maxRequestsPerBatch,
      int numPartitions,
      String secret,
      List<String> methods) {
    this.host = host;
    this.port = port;
    this.path = path;
    this.mode = mode;
    this.maxQueuedRequests = maxQueuedRequests;
    this.maxBodyBytes = maxBodyBytes;
    this.requestTimeoutMs = requestTimeoutMs;
    this.maxRequestsPerBatch = maxRequestsPerBatch;
    this.numPartitions = numPartitions;
    this.secret = secret;
    this.methods = List.copyOf(methods);
  }

  /**
   * Parses the source options (a case-insensitive map, as Spark hands them over).
   *
   * @throws IllegalArgumentException naming the first bad option
   */
  public static HttpSourceConf parse(Map<String, String> options) {
    OptionParser p = new OptionParser(options);
    String host = p.string(HttpServerOptions.HOST, HttpServerOptions.HOST_DEFAULT).trim();
    if (host.isEmpty()) {
      throw ServingErrors.invalidOption(HttpServerOptions.HOST, "''", "a host name or IP address");
    }
    int port = p.intInRange(HttpServerOptions.PORT, HttpServerOptions.PORT_DEFAULT, 0, 65535);
    String path =
        validPath(
            HttpServerOptions.PATH,
            p.requiredString(HttpServerOptions.PATH, "an API path such as /embed"));
    ServingMode mode =
        p.has(HttpServerOptions.MODE)
            ? ServingMode.parse(HttpServerOptions.MODE, p.string(HttpServerOptions.MODE, ""))
            : HttpServerOptions.MODE_DEFAULT;
    int maxQueued =
        p.intInRange(
            HttpServerOptions.MAX_QUEUED_REQUESTS,
            HttpServerOptions.MAX_QUEUED_REQUESTS_DEFAULT,
            1,
            10_000_000);
    int maxBody =
        p.intInRange(
            HttpServerOptions.MAX_BODY_BYTES,
            HttpServerOptions.MAX_BODY_BYTES_DEFAULT,
            0,
            Integer.MAX_VALUE - 1024);
    long timeoutMs =
        p.durationMs(
            HttpServerOptions.REQUEST_TIMEOUT, HttpServerOptions.REQUEST_TIMEOUT_DEFAULT_MS);
    int perBatch =
        p.intInRange(
            HttpServerOptions.MAX_REQUESTS_PER_BATCH,
            HttpServerOptions.MAX_REQUESTS_PER_BATCH_DEFAULT,
            1,
            Integer.MAX_VALUE);
    int partitions = p.intInRange(HttpServerOptions.NUM_PARTITIONS, 0, 1, 10_000);
    String secret = p.string(HttpServerOptions.SECRET, null);
    if (secret != null && secret.length() < 16) {
      throw ServingErrors.invalidOption(
          HttpServerOptions.SECRET,
          "(" + secret.length() + " characters)",
          "at least 16 characters");
    }
    List<String> methods = new ArrayList<>();
    for (String m :
        p.string(HttpServerOptions.METHODS, HttpServerOptions.METHODS_DEFAULT).split(",")) {
      String method = m.trim().toUpperCase(Locale.ROOT);
      if (!method.matches("[A-Z]+")) {
        throw ServingErrors.invalidOption(
            HttpServerOptions.METHODS,
            p.string(HttpServerOptions.METHODS, ""),
            "HTTP methods separated by commas, such as POST,PUT");
      }
      methods.add(method);
    }
    return new HttpSourceConf(
        host,
        port,
        path,
        mode,
        maxQueued,
        maxBody,
        timeoutMs,
        perBatch,
        partitions,
        secret,
        methods);
  }

  /** Checks an API path: starts with '/', no query string, outside the internal prefix. */
  public static String validPath(String key, String path) {
    String trimmed = path.trim();
    if (!trimmed.startsWith("/")
        || trimmed.contains("?")
        || trimmed.contains("#")
        || trimmed.contains(" ")) {
      throw ServingErrors.invalidOption(key, path, "a path starting with '/', such as /embed");
    }
    if ((trimmed + "/").startsWith(HttpServerOptions.INTERNAL_PREFIX)) {
      throw ServingErrors.invalidOption(
          key, path, "a path outside " + HttpServerOptions.INTERNAL_PREFIX + " (reserved)");
    }
    return trimmed.length() > 1 && trimmed.endsWith("/")
        ? trimmed.substring(0, trimmed.length() - 1)
        : trimmed;
  }

  /** Same options with another secret (the driver picks a random one when none is given). */
  public HttpSourceConf withSecret(String newSecret) {
    return new HttpSourceConf(
        host,
        port,
        path,
        mode,
        maxQueuedRequests,
        maxBodyBytes,
        requestTimeoutMs,
        maxRequestsPerBatch,
        numPartitions,
        Objects.requireNonNull(newSecret),
        methods);
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String path() {
    return path;
  }

  public ServingMode mode() {
    return mode;
  }

  public int maxQueuedRequests() {
    return maxQueuedRequests;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  public long requestTimeoutMs() {
    return requestTimeoutMs;
  }

  public int maxRequestsPerBatch() {
    return maxRequestsPerBatch;
  }

  /** Partitions per server, or 0 for "the cluster's default parallelism". */
  public int numPartitions() {
    return numPartitions;
  }

  /** The user's secret, or {@code null} before the driver picked one. */
  public String secret() {
    return secret;
  }

  /** HTTP methods the path accepts. */
  public List<String> methods() {
    return methods;
  }

  @Override
  public String toString() {
    return "HttpSourceConf{host="
        + host
        + ", port="
        + port
        + ", path="
        + path
        + ", mode="
        + mode.optionValue()
        + ", maxQueuedRequests="
        + maxQueuedRequests
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", requestTimeoutMs="
        + requestTimeoutMs
        + ", maxRequestsPerBatch="
        + maxRequestsPerBatch
        + ", numPartitions="
        + numPartitions
        + "}";
  }
}
