package dev.sparkembed.embed.service;

/**
 * The answer to one request.
 *
 * @param status the HTTP status
 * @param contentType the body's media type
 * @param body the body (JSON for every endpoint except {@code /metrics})
 * @param texts how many texts were embedded for it (0 for errors and info endpoints)
 * @param tokens how many tokens the model was fed for it
 */
public record ServiceReply(int status, String contentType, byte[] body, int texts, long tokens) {
  public static final String JSON = "application/json";
  public static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  static ServiceReply json(int status, byte[] body) {
    return new ServiceReply(status, JSON, body, 0, 0);
  }
}
