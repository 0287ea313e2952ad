package dev.sparkembed.lb;

import dev.sparkembed.serving.conf.ServingErrors;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The balancer's options, parsed and validated once into typed values; every error names the
 * option, the bad value and what was expected. Built on whichever JVM starts the balancer (the
 * {@code spark-embed lb} process or a Spark driver).
 *
 * <p>Keys are the CLI option names without dashes; {@link Builder#set} takes the text the user
 * typed so that the CLI and the Java API give the same errors.
 */
public final class LbOptions {

  public static final String HOST = "host";
  public static final String PORT = "port";
  public static final String BACKEND = "backend";
  public static final String DISCOVER = "discover";
  public static final String DISCOVER_INTERVAL = "discover-interval";
  public static final String SECRET = "secret";
  public static final String HEALTH_INTERVAL = "health-interval";
  public static final String HEALTH_TIMEOUT = "health-timeout";
  public static final String HEALTH_FALL = "health-fall";
  public static final String HEALTH_RISE = "health-rise";
  public static final String CONNECT_TIMEOUT = "connect-timeout";
  public static final String RESPONSE_TIMEOUT = "response-timeout";
  public static final String HEADER_TIMEOUT = "header-timeout";
  public static final String IDLE_TIMEOUT = "idle-timeout";
  public static final String MAX_BODY = "max-body";
  public static final String MAX_IDLE_PER_BACKEND = "max-idle-per-backend";
  public static final String THREADS = "threads";
  public static final String ATTACH_PORT = "attach-port";
  public static final String ATTACH_MAX_RESPONSE = "attach-max-response";

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final String DEFAULT_PORT = "8080";
  public static final String DEFAULT_DISCOVER_INTERVAL = "3s";
  public static final String DEFAULT_HEALTH_INTERVAL = "2s";
  public static final String DEFAULT_HEALTH_TIMEOUT = "1s";
  public static final String DEFAULT_HEALTH_FALL = "2";
  public static final String DEFAULT_HEALTH_RISE = "1";
  public static final String DEFAULT_CONNECT_TIMEOUT = "2s";
  public static final String DEFAULT_RESPONSE_TIMEOUT = "120s";
  public static final String DEFAULT_HEADER_TIMEOUT = "10s";
  public static final String DEFAULT_IDLE_TIMEOUT = "60s";
  public static final String DEFAULT_MAX_BODY = "16m";
  public static final String DEFAULT_MAX_IDLE_PER_BACKEND = "64";
  public static final String DEFAULT_ATTACH_PORT = "9444";
  public static final String DEFAULT_ATTACH_MAX_RESPONSE = "64m";

  /** The environment variable read by the CLI when {@code --secret} is not given. */
  public static final String SECRET_ENV = "SPARK_EMBED_LB_SECRET";

  private static final String DURATION = "a duration like 500ms, 2s or 1m";

  private final String host;
  private final int port;
  private final List<BackendAddress> backends;
  private final URI discover;
  private final Duration discoverInterval;
  private final String secret;
  private final Duration healthInterval;
  private final Duration healthTimeout;
  private final int healthFall;
  private final int healthRise;
  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final Duration headerTimeout;
  private final Duration idleTimeout;
  private final int maxBodyBytes;
  private final int maxIdlePerBackend;
  private final int threads;
  private final int attachPort;
  private final int attachMaxResponse;

  private LbOptions(Map<String, String> values, List<String> backendTexts, boolean extraSource) {
    this.host = value(values, HOST, DEFAULT_HOST).trim();
    if (host.isEmpty()) {
      throw ServingErrors.invalidOption(HOST, "\"\"", "a host name or IP address to bind");
    }
    this.port = intIn(values, PORT, DEFAULT_PORT, 0, 65535, "0-65535, 0 = any free port");
    List<BackendAddress> parsed = new ArrayList<>();
    for (String text : backendTexts) {
      for (String one : text.split(",")) {
        if (!one.isBlank()) {
          parsed.add(BackendAddress.parse(BACKEND, one));
        }
      }
    }
    this.backends = List.copyOf(parsed);
    this.discover = parseDiscover(values.get(DISCOVER));
    this.discoverInterval = positiveDuration(values, DISCOVER_INTERVAL, DEFAULT_DISCOVER_INTERVAL);
    String s = values.get(SECRET);
    this.secret = s == null || s.isEmpty() ? null : s;
    this.healthInterval = positiveDuration(values, HEALTH_INTERVAL, DEFAULT_HEALTH_INTERVAL);
    this.healthTimeout = positiveDuration(values, HEALTH_TIMEOUT, DEFAULT_HEALTH_TIMEOUT);
    this.healthFall = intIn(values, HEALTH_FALL, DEFAULT_HEALTH_FALL, 1, 100, "1-100");
    this.healthRise = intIn(values, HEALTH_RISE, DEFAULT_HEALTH_RISE, 1, 100, "1-100");
    this.connectTimeout = positiveDuration(values, CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
    this.responseTimeout = positiveDuration(values, RESPONSE_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT);
    this.headerTimeout = positiveDuration(values, HEADER_TIMEOUT, DEFAULT_HEADER_TIMEOUT);
    this.idleTimeout = positiveDuration(values, IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
    this.maxBodyBytes = size(values, MAX_BODY, DEFAULT_MAX_BODY);
    this.maxIdlePerBackend =
        intIn(values, MAX_IDLE_PER_BACKEND, DEFAULT_MAX_IDLE_PER_BACKEND, 0, 100_000, "0-100000");
    this.threads =
        intIn(
            values,
            THREADS,
            String.valueOf(Runtime.getRuntime().availableProcessors()),
            1,
            1024,
            "1-1024");
    this.attachPort =
        intIn(values, ATTACH_PORT, DEFAULT_ATTACH_PORT, 0, 65535, "0-65535, 0 = any free port");
    this.attachMaxResponse = size(values, ATTACH_MAX_RESPONSE, DEFAULT_ATTACH_MAX_RESPONSE);
    if (backends.isEmpty() && discover == null && secret == null && !extraSource) {
      throw LbErrors.noBackendSource();
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects option text; {@link #build()} parses and validates all of it at once. */
  public static final class Builder {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> backends = new ArrayList<>();
    private boolean extraSource;

    private Builder() {}

    /** Sets one option by its CLI name ({@code "port"}, {@code "health-interval"}, ...). */
    public Builder set(String key, String value) {
      if (BACKEND.equals(key)) {
        return addBackend(value);
      }
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException(
            "Unknown option '" + key + "' (known: " + String.join(", ", KNOWN) + ")");
      }
      if (value != null) {
        values.put(key, value);
      }
      return this;
    }

    /** Adds a static backend, {@code host:port} (several may be comma-separated). */
    public Builder addBackend(String hostPort) {
      backends.add(hostPort);
      return this;
    }

    /**
     * Says that backends come from a Java {@link BackendSource} given to {@link LbServer#start}, so
     * no static backend, discovery URL or secret is required.
     */
    public Builder withBackendSource() {
      this.extraSource = true;
      return this;
    }

    public LbOptions build() {
      return new LbOptions(values, backends, extraSource);
    }
  }

  private static final List<String> KNOWN =
      List.of(
          HOST,
          PORT,
          BACKEND,
          DISCOVER,
          DISCOVER_INTERVAL,
          SECRET,
          HEALTH_INTERVAL,
          HEALTH_TIMEOUT,
          HEALTH_FALL,
          HEALTH_RISE,
          CONNECT_TIMEOUT,
          RESPONSE_TIMEOUT,
          HEADER_TIMEOUT,
          IDLE_TIMEOUT,
          MAX_BODY,
          MAX_IDLE_PER_BACKEND,
          THREADS,
          ATTACH_PORT,
          ATTACH_MAX_RESPONSE);

  public String host() {
    return host;
  }

  /** The port to bind; 0 picks a free one ({@link LbServer#port()} tells which). */
  public int port() {
    return port;
  }

  public List<BackendAddress> backends() {
    return backends;
  }

  public Optional<URI> discover() {
    return Optional.ofNullable(discover);
  }

  public Duration discoverInterval() {
    return discoverInterval;
  }

  /** The registration secret; registration is refused (403) when absent. */
  public Optional<String> secret() {
    return Optional.ofNullable(secret);
  }

  public Duration healthInterval() {
    return healthInterval;
  }

  public Duration healthTimeout() {
    return healthTimeout;
  }

  /** Consecutive failed health checks that mark an up backend down. */
  public int healthFall() {
    return healthFall;
  }

  /** Consecutive passed health checks that bring a down backend back. */
  public int healthRise() {
    return healthRise;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long a backend may take to start its response before the client gets 504. */
  public Duration responseTimeout() {
    return responseTimeout;
  }

  /** How long a client may take to send a whole request once it started, else 408. */
  public Duration headerTimeout() {
    return headerTimeout;
  }

  /** How long a client connection may stay idle between requests before it is closed. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Idle keep-alive connections kept per backend and event loop. */
  public int maxIdlePerBackend() {
    return maxIdlePerBackend;
  }

  public int threads() {
    return threads;
  }

  /**
   * The port executors' servers connect out to (0 picks a free one, {@link LbServer#attachPort()}
   * tells which); opened only when a secret is set, since attaching needs it.
   */
  public int attachPort() {
    return attachPort;
  }

  /** The largest response an attached backend may send (whole responses are read). */
  public int attachMaxResponse() {
    return attachMaxResponse;
  }

  @Override
  public String toString() {
    return "LbOptions{host="
        + host
        + ", port="
        + port
        + ", backends="
        + backends
        + ", discover="
        + discover
        + ", secret="
        + (secret == null ? "none" : "set")
        + ", healthInterval="
        + healthInterval
        + "}";
  }

  private static String value(Map<String, String> values, String key, String fallback) {
    String v = values.get(key);
    return v == null ? fallback : v;
  }

  private static int intIn(
      Map<String, String> values, String key, String fallback, int min, int max, String expected) {
    String text = value(values, key, fallback).trim();
    int n;
    try {
      n = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw ServingErrors.invalidOption(key, text, expected);
    }
    if (n < min || n > max) {
      throw ServingErrors.invalidOption(key, n, expected);
    }
    return n;
  }

  private static URI parseDiscover(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String expected = "an http:// URL, e.g. http://driver:4050/_spark-embed/servers";
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw ServingErrors.invalidOption(DISCOVER, text, expected);
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw ServingErrors.invalidOption(DISCOVER, text, expected);
    }
    return uri;
  }

  /** Parses {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}; a bare number means seconds. */
  static Duration parseDuration(String key, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    long factorMillis;
    String number;
    if (t.endsWith("ms")) {
      factorMillis = 1;
      number = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      factorMillis = 1000;
      number = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      factorMillis = 60_000;
      number = t.substring(0, t.length() - 1);
    } else if (t.endsWith("h")) {
      factorMillis = 3_600_000;
      number = t.substring(0, t.length() - 1);
    } else {
      factorMillis = 1000;
      number = t;
    }
    try {
      long n = Long.parseLong(number.trim());
      if (n < 0 || n > Long.MAX_VALUE / factorMillis) {
        throw ServingErrors.invalidOption(key, text, DURATION);
      }
      return Duration.ofMillis(n * factorMillis);
    } catch (NumberFormatException e) {
      throw ServingErrors.invalidOption(key, text, DURATION);
    }
  }

  private static Duration positiveDuration(Map<String, String> values, String key, String def) {
    String text = value(values, key, def);
    Duration d = parseDuration(key, text);
    if (d.isZero()) {
      throw ServingErrors.invalidOption(key, text, "a duration above zero, e.g. 500ms, 2s or 1m");
    }
    return d;
  }

  /** Parses {@code 1048576}, {@code 512k}, {@code 16m}, {@code 1g} into a byte count. */
  static int size(Map<String, String> values, String key, String def) {
    String text = value(values, key, def);
    String expected = "a size from 1 byte to 1g, e.g. 65536, 512k or 16m";
    String t = text.trim().toLowerCase(Locale.ROOT);
    long factor = 1;
    if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g")) {
      char unit = t.charAt(t.length() - 1);
      factor = unit == 'k' ? 1L << 10 : unit == 'm' ? 1L << 20 : 1L << 30;
      t = t.substring(0, t.length() - 1);
    }
    long n;
    try {
      n = Long.parseLong(t.trim());
    } catch (NumberFormatException e) {
      throw ServingErrors.invalidOption(key, text, expected);
    }
    if (n < 1 || n > Integer.MAX_VALUE / factor) {
      throw ServingErrors.invalidOption(key, text, expected);
    }
    return (int) (n * factor);
  }
}
