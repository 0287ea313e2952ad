package dev.sparkembed.serving.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkembed.serving.conf.HttpServerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Calls the internal endpoints of another JVM's server: fetch a partition's requests, wait for new
 * ones, forward replies, finish/commit/close a queue. One shared JDK HTTP client per JVM (pooled
 * keep-alive connections); every call carries the query's secret. Driver and executors.
 */
public final class InternalClient {
  private static final ExecutorService EXECUTOR =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "spark-embed-internal-client");
            t.setDaemon(true);
            return t;
          });
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .executor(EXECUTOR)
          .build();

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String address;
  private final String secret;

  /**
   * @param address {@code host:port} of the other server
   */
  public InternalClient(String address, String secret) {
    this.address = address;
    this.secret = secret;
  }

  public List<InternalWireFormat.WireRequest> fetch(String queue, long from, long to)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        CLIENT.send(
            get(InternalEndpoints.REQUESTS, "queue", queue, "from", from, "to", to),
            HttpResponse.BodyHandlers.ofByteArray());
    check(r, InternalEndpoints.REQUESTS);
    return InternalWireFormat.decodeRequests(r.body());
  }

  /** Continuous: up to {@code max} requests of a lane, waiting up to {@code waitMs}. */
  public List<InternalWireFormat.WireRequest> take(String queue, int lane, int max, long waitMs)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        CLIENT.send(
            get(InternalEndpoints.TAKE, "queue", queue, "lane", lane, "max", max, "waitMs", waitMs),
            HttpResponse.BodyHandlers.ofByteArray());
    check(r, InternalEndpoints.TAKE);
    return InternalWireFormat.decodeRequests(r.body());
  }

  /** A queue's position and counters, as its server reports them. */
  public record QueueStatus(long lastSeq, long depth, Map<String, Long> metrics) {}

  /**
   * The newest request number of a queue, waiting up to {@code waitMs} for one after {@code after}.
   */
  public CompletableFuture<Long> latest(String queue, long after, long waitMs) {
    return status(queue, after, waitMs).thenApply(QueueStatus::lastSeq);
  }

  /** Like {@link #latest}, with the queue's depth and counters. */
  public CompletableFuture<QueueStatus> status(String queue, long after, long waitMs) {
    return CLIENT
        .sendAsync(
            get(InternalEndpoints.LATEST, "queue", queue, "after", after, "waitMs", waitMs),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(
            r -> {
              checkUnchecked(r, InternalEndpoints.LATEST);
              try {
                JsonNode root = MAPPER.readTree(r.body());
                Map<String, Long> metrics = new LinkedHashMap<>();
                root.path("metrics")
                    .fields()
                    .forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asLong()));
                return new QueueStatus(
                    root.path("lastSeq").asLong(), root.path("depth").asLong(), metrics);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
  }

  public CompletableFuture<Void> forward(byte[] replies) {
    HttpRequest req =
        base(InternalEndpoints.REPLIES, "")
            .POST(HttpRequest.BodyPublishers.ofByteArray(replies))
            .build();
    return CLIENT
        .sendAsync(req, HttpResponse.BodyHandlers.ofString())
        .thenAccept(r -> checkUnchecked(r, InternalEndpoints.REPLIES));
  }

  public CompletableFuture<Void> post(String endpoint, Object... params) {
    HttpRequest req =
        base(endpoint, query(params)).POST(HttpRequest.BodyPublishers.noBody()).build();
    return CLIENT
        .sendAsync(req, HttpResponse.BodyHandlers.ofString())
        .thenAccept(r -> checkUnchecked(r, endpoint));
  }

  /** {@code GET /_spark-embed/<endpoint>} returning the body as text. */
  public CompletableFuture<String> getText(String endpoint) {
    return CLIENT
        .sendAsync(base(endpoint, "").GET().build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(
            r -> {
              checkUnchecked(r, endpoint);
              return r.body();
            });
  }

  private HttpRequest get(String endpoint, Object... params) {
    return base(endpoint, query(params)).GET().build();
  }

  private HttpRequest.Builder base(String endpoint, String query) {
    return HttpRequest.newBuilder(
            URI.create("http://" + address + HttpServerOptions.INTERNAL_PREFIX + endpoint + query))
        .timeout(Duration.ofSeconds(30))
        .header(HttpServerOptions.SECRET_HEADER, secret);
  }

  private static String query(Object... params) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i + 1 < params.length; i += 2) {
      b.append(i == 0 ? '?' : '&')
          .append(params[i])
          .append('=')
          .append(URLEncoder.encode(String.valueOf(params[i + 1]), StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  private void check(HttpResponse<?> r, String endpoint) throws IOException {
    if (r.statusCode() != 200) {
      throw new IOException(
          "Internal endpoint "
              + endpoint
              + " of "
              + address
              + " answered "
              + r.statusCode()
              + ": "
              + r.body());
    }
  }

  private void checkUnchecked(HttpResponse<?> r, String endpoint) {
    try {
      check(r, endpoint);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Endpoint names, for callers outside this package. */
  public static final String FINISH = InternalEndpoints.FINISH;

  public static final String COMMIT = InternalEndpoints.COMMIT;
  public static final String CLOSE = InternalEndpoints.CLOSE;
  public static final String SERVERS = InternalEndpoints.SERVERS;
}
