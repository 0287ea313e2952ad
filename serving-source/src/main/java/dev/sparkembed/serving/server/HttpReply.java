package dev.sparkembed.serving.server;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One answer to one request: status, headers and body bytes. Built by the sink (executor) or by the
 * server itself for errors; travels between JVMs in {@link InternalWireFormat}.
 */
public record HttpReply(int status, Map<String, String> headers, byte[] body) {

  public static final String JSON = "application/json";

  /** A JSON error body {@code {"error": message}} with the given status. */
  public static HttpReply error(int status, String message) {
    return new HttpReply(
        status,
        Map.of("content-type", JSON),
        ("{\"error\":" + JsonQuoting.quote(message) + "}").getBytes(StandardCharsets.UTF_8));
  }

  /** 503 with {@code Retry-After: 1}: the client may try again (a full queue, a stopping query). */
  public static HttpReply unavailable(String message) {
    return new HttpReply(
        503, Map.of("content-type", JSON, "retry-after", "1"), error(503, message).body());
  }

  /** A JSON body with status 200. */
  public static HttpReply json(String json) {
    return new HttpReply(200, Map.of("content-type", JSON), json.getBytes(StandardCharsets.UTF_8));
  }
}
