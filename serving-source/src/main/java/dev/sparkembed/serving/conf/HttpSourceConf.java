package dev.sparkembed.serving.conf;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The {@code httpserver} source's options, parsed and validated once on the driver (a bad value
 * fails the query at start, naming the option). Small and serializable: it travels to executors
 * that start servers in distributed mode.
 */
public final class HttpSourceConf implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String host;
  private final int port;
  private final List<String> paths;
  private final ServingMode mode;
  private final int maxQueuedRequests;
  private final int maxBodyBytes;
  private final long requestTimeoutMs;
  private final int maxRequestsPerBatch;
  private final int numPartitions;
  private final String secret;
  private final List<String> methods;
  private final String extension;
  private final Map<String, String> extensionOptions;
  private final String tlsCert;
  private final String tlsKey;
  private final long requestReadTimeoutMs;

  private HttpSourceConf(
      String host,
      int port,
      List<String> paths,
      ServingMode mode,
      int maxQueuedRequests,
      int maxBodyBytes,
      long requestTimeoutMs,
      int maxRequestsPerBatch,
      int numPartitions,
      String secret,
      List<String> methods,
      String extension,
      Map<String, String> extensionOptions,
      String tlsCert,
      String tlsKey,
      long requestReadTimeoutMs) {
    this.host = host;
    this.port = port;
    this.paths = List.copyOf(paths);
    this.mode = mode;
    this.maxQueuedRequests = maxQueuedRequests;
    this.maxBodyBytes = maxBodyBytes;
    this.requestTimeoutMs = requestTimeoutMs;
    this.maxRequestsPerBatch = maxRequestsPerBatch;
    this.numPartitions = numPartitions;
    this.secret = secret;
    this.methods = List.copyOf(methods);
    this.extension = extension;
    TreeMap<String, String> ext = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    ext.putAll(extensionOptions);
    this.extensionOptions = ext;
    this.tlsCert = tlsCert;
    this.tlsKey = tlsKey;
    this.requestReadTimeoutMs = requestReadTimeoutMs;
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
    List<String> paths = new ArrayList<>();
    for (String one :
        p.requiredString(HttpServerOptions.PATH, "an API path such as /embed").split(",")) {
      String path = validPath(HttpServerOptions.PATH, one);
      if (paths.contains(path)) {
        throw ServingErrors.invalidOption(HttpServerOptions.PATH, one, "each path once");
      }
      paths.add(path);
    }
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
    String extension = p.string(HttpServerOptions.EXTENSION, null);
    if (extension != null && !extension.trim().matches("[\\w$.]+")) {
      throw ServingErrors.invalidOption(
          HttpServerOptions.EXTENSION, extension, "a class name such as com.example.MyExtension");
    }
    Map<String, String> extensionOptions = new HashMap<>();
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (e.getKey()
          .regionMatches(
              true,
              0,
              HttpServerOptions.EXTENSION_PREFIX,
              0,
              HttpServerOptions.EXTENSION_PREFIX.length())) {
        extensionOptions.put(
            e.getKey().substring(HttpServerOptions.EXTENSION_PREFIX.length()), e.getValue());
      }
    }
    String tlsCert = p.string(HttpServerOptions.TLS_CERT, null);
    String tlsKey = p.string(HttpServerOptions.TLS_KEY, null);
    if ((tlsCert == null) != (tlsKey == null)) {
      throw ServingErrors.missingOption(
          tlsCert == null ? HttpServerOptions.TLS_CERT : HttpServerOptions.TLS_KEY,
          "both "
              + HttpServerOptions.TLS_CERT
              + " and "
              + HttpServerOptions.TLS_KEY
              + " (PEM files) for HTTPS");
    }
    if (tlsCert != null) {
      readablePem(HttpServerOptions.TLS_CERT, tlsCert);
      readablePem(HttpServerOptions.TLS_KEY, tlsKey);
    }
    return new HttpSourceConf(
        host,
        port,
        paths,
        mode,
        maxQueued,
        maxBody,
        timeoutMs,
        perBatch,
        partitions,
        secret,
        methods,
        extension == null ? null : extension.trim(),
        extensionOptions,
        tlsCert,
        tlsKey,
        p.durationMs(
            HttpServerOptions.REQUEST_READ_TIMEOUT,
            HttpServerOptions.REQUEST_READ_TIMEOUT_DEFAULT_MS));
  }

  private static void readablePem(String key, String file) {
    java.nio.file.Path path = java.nio.file.Path.of(file);
    if (!java.nio.file.Files.isRegularFile(path) || !java.nio.file.Files.isReadable(path)) {
      throw ServingErrors.invalidOption(key, file, "a readable PEM file");
    }
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
    for (String segment : trimmed.split("/")) {
      if ((segment.contains("{") || segment.contains("}"))
          && !segment.matches("\\{[A-Za-z][A-Za-z0-9_-]*\\}")) {
        throw ServingErrors.invalidOption(
            key, path, "a path whose {name} placeholders are whole segments, such as /a/{id}/b");
      }
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
        paths,
        mode,
        maxQueuedRequests,
        maxBodyBytes,
        requestTimeoutMs,
        maxRequestsPerBatch,
        numPartitions,
        Objects.requireNonNull(newSecret),
        methods,
        extension,
        extensionOptions,
        tlsCert,
        tlsKey,
        requestReadTimeoutMs);
  }

  /** How long one request may take to arrive whole (head and body) before it gets 408. */
  public long requestReadTimeoutMs() {
    return requestReadTimeoutMs;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The first API path (the only one, unless several were given). */
  public String path() {
    return paths.get(0);
  }

  /** Every API path of the query, in the order given. */
  public List<String> paths() {
    return paths;
  }

  /** The {@link HttpServerOptions#EXTENSION} class name, or {@code null}. */
  public String extension() {
    return extension;
  }

  /** The options for the extension, prefix removed; keys are case-insensitive. */
  public Map<String, String> extensionOptions() {
    return extensionOptions;
  }

  /** The PEM certificate file for HTTPS, or {@code null} for plain HTTP. */
  public String tlsCert() {
    return tlsCert;
  }

  /** The PEM private key file for HTTPS, or {@code null}. */
  public String tlsKey() {
    return tlsKey;
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
        + ", paths="
        + paths
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
        + (extension == null ? "" : ", extension=" + extension)
        + (tlsCert == null ? "" : ", tls")
        + "}";
  }
}
