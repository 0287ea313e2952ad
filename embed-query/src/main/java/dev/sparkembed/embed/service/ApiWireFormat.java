package dev.sparkembed.embed.service;

/**
 * One API's request and response shapes. Implementations are stateless and thread-safe; they run on
 * executors (inside the service's partition function) and, for errors, on the driver.
 */
public interface ApiWireFormat {

  /**
   * Reads a request body.
   *
   * @throws ApiException for anything the client must fix, with the status to answer
   */
  EmbedRequest parse(ApiFormat format, byte[] body, ModelInfo model, ServiceLimits limits);

  /** The JSON answer for a request and its vectors (in the request's text order). */
  byte[] encode(EmbedRequest request, Embeddings embeddings, ModelInfo model, Timing timing);

  /** The JSON body of an error, in this API's own error shape. */
  byte[] encodeError(ApiException error);

  /**
   * How long a request took, for formats that report it (Ollama's {@code total_duration} and {@code
   * load_duration}, both in nanoseconds).
   */
  record Timing(long totalNanos, long loadNanos) {}
}
