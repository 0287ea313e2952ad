package dev.sparkembed.serving.server;

import java.util.Map;
import java.util.Set;

/**
 * Adds to the servers of one {@code httpserver} query what a Spark batch should not do: GET paths
 * the server answers itself, on its event loop (health, metrics, listings), and a callback for
 * every answered request of the query (metrics). Named by the source option {@code extension}: a
 * public class with a public no-argument constructor, created once per server registration in the
 * JVM that hosts the server (the driver in head mode, each executor in distributed mode).
 * Implementations must be thread-safe and must never block: they run on event loops.
 */
public interface ServerExtension {

  /**
   * Called once, before the server routes anything to it.
   *
   * @param options the source options that start with {@code extension.}, prefix removed;
   *     case-insensitive keys
   * @param queue the query's queue in this JVM (its depth, for metrics)
   */
  void start(Map<String, String> options, RequestQueue queue);

  /** Exact paths answered by {@link #answer}; they accept GET (and HEAD) only. */
  Set<String> localPaths();

  /** The answer to a GET of one of {@link #localPaths}. Event loop: must not block. */
  HttpReply answer(String path, String query, Map<String, String> headers);

  /**
   * A request to one of the query's paths (queued or local) got its answer, whatever the status
   * (the sink's reply, or the server's own error).
   *
   * @param path the request's path
   * @param nanos time from the request's arrival to its answer
   */
  void answered(String path, int status, long nanos);

  /**
   * Checks a request to one of the query's queued paths as it arrives, before it is queued (an API
   * key, say), so refused requests never take a place in the queue. Event loop: must not block.
   *
   * @param headers lower-case names
   * @return the refusal to answer at once, or null to queue the request
   */
  default HttpReply admit(String path, Map<String, String> headers) {
    return null;
  }

  /**
   * The server's own error for {@code path} (404, 405, 413, 408, 503) in the API's error shape, or
   * null for the server's plain {@code {"error": message}}.
   */
  default HttpReply error(String path, int status, String message) {
    return null;
  }

  /**
   * Paths (templates such as {@code /jobs/{id}} allowed) whose requests, any method, this extension
   * answers itself through {@link #handle}, with bodies up to {@link #handledBodyLimit}. None by
   * default.
   */
  default Set<String> handledPaths() {
    return Set.of();
  }

  /** The body limit of {@link #handledPaths}; larger bodies get 413 before they are read. */
  default int handledBodyLimit() {
    return 64 << 10;
  }

  /**
   * Answers a request to one of {@link #handledPaths}. Event loop: must not block; slow work goes
   * to the extension's own threads, which answer through {@code response}.
   */
  default void handle(ExtensionRequest request, ExtensionResponse response) {
    response.send(HttpReply.error(404, "No API at path '" + request.path() + "'"));
  }
}
