package dev.sparkembed.serving.conf;

/**
 * Option keys of the {@code httpserver} format and their defaults: the first of the three option
 * layers (keys, {@link OptionParser}, {@link HttpSourceConf}).
 */
public final class HttpServerOptions {
  private HttpServerOptions() {}

  /** The format name for {@code readStream().format(...)} and {@code writeStream().format(...)}. */
  public static final String FORMAT = "httpserver";

  public static final String HOST = "host";
  public static final String HOST_DEFAULT = "127.0.0.1";

  public static final String PORT = "port";
  public static final int PORT_DEFAULT = 8888;

  /**
   * The API path; required, since two queries may share one port. Several paths, separated by
   * commas, all lead to the query's one queue; a segment {@code {name}} matches any one segment
   * (e.g. {@code /openai/deployments/{deployment}/embeddings}).
   */
  public static final String PATH = "path";

  public static final String MODE = "mode";
  public static final ServingMode MODE_DEFAULT = ServingMode.HEAD;

  public static final String MAX_QUEUED_REQUESTS = "maxQueuedRequests";
  public static final int MAX_QUEUED_REQUESTS_DEFAULT = 10_000;

  public static final String MAX_BODY_BYTES = "maxBodyBytes";
  public static final int MAX_BODY_BYTES_DEFAULT = 1 << 20;

  public static final String REQUEST_TIMEOUT = "requestTimeout";
  public static final long REQUEST_TIMEOUT_DEFAULT_MS = 30_000;

  /** A request must arrive whole (head and body) this soon after its first byte, else 408. */
  public static final String REQUEST_READ_TIMEOUT = "requestReadTimeout";

  public static final long REQUEST_READ_TIMEOUT_DEFAULT_MS = 30_000;

  /** Admission control: the most requests one micro-batch reads from one server. */
  public static final String MAX_REQUESTS_PER_BATCH = "maxRequestsPerBatch";

  public static final int MAX_REQUESTS_PER_BATCH_DEFAULT = 1_000;

  /**
   * Partitions per server: an upper bound per micro-batch (never more partitions than requests),
   * the number of readers per server in continuous mode. Default: the cluster's parallelism.
   */
  public static final String NUM_PARTITIONS = "numPartitions";

  /** HTTP methods the API path accepts (others get 405), comma-separated. */
  public static final String METHODS = "methods";

  public static final String METHODS_DEFAULT = "POST";

  /** Optional shared secret for the internal endpoints; a random one per query by default. */
  public static final String SECRET = "secret";

  /**
   * A {@code dev.sparkembed.serving.server.ServerExtension} class (public, no-argument constructor)
   * whose GET paths the server answers itself, on its event loop, and which is told of every
   * answered request. Created in each JVM that hosts one of the query's servers.
   */
  public static final String EXTENSION = "extension";

  /** Options starting with this are handed to the extension, without the prefix. */
  public static final String EXTENSION_PREFIX = "extension.";

  /** PEM certificate chain: the server speaks HTTPS (with {@link #TLS_KEY}). */
  public static final String TLS_CERT = "tlsCert";

  /** PEM PKCS#8 private key of {@link #TLS_CERT}. */
  public static final String TLS_KEY = "tlsKey";

  /** Sink: the path whose requests this query answers. */
  public static final String REPLY_TO = "replyTo";

  /** The prefix of the internal endpoints; no API path may start with it. */
  public static final String INTERNAL_PREFIX = "/_spark-embed/";

  /** Header that carries the per-query secret on internal endpoints. */
  public static final String SECRET_HEADER = "X-Spark-Embed-Secret";
}
