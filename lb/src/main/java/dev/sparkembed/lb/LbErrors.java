package dev.sparkembed.lb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Builds every user-facing error of the balancer: option errors (thrown as {@link
 * IllegalArgumentException} before anything starts) and the JSON error replies sent to clients.
 * Runs wherever the balancer runs (a standalone process or the Spark driver).
 *
 * <p>Error replies use the OpenAI error shape, so the embedding service's clients parse them the
 * same way as the service's own errors: {@code {"error":{"message":..,"type":..,"code":503}}}.
 */
public final class LbErrors {

  static final ObjectMapper JSON = new ObjectMapper();

  /** The header that tells a client its error came from the balancer, not from a backend. */
  static final String ERROR_SOURCE_HEADER = "X-Spark-Embed-Lb-Error";

  private LbErrors() {}

  static IllegalArgumentException noBackendSource() {
    return new IllegalArgumentException(
        "No way to find backends: give --backend host:port, --discover URL, or a secret"
            + " (--secret or SPARK_EMBED_LB_SECRET) so executors can register");
  }

  /** {@code Invalid field 'port': 70000 (expected 1-65535)}, for JSON bodies of admin calls. */
  static IllegalArgumentException invalidField(String field, Object value, String expected) {
    return new IllegalArgumentException(
        String.format("Invalid field '%s': %s (expected %s)", field, value, expected));
  }

  static String noHealthyBackend(int known) {
    return known == 0
        ? "No backend is registered with the load balancer"
        : "No healthy backend: all " + known + " known backends are down";
  }

  static String noBackendAccepted(int tried) {
    return "Could not connect to any backend (" + tried + " tried, all refused or timed out)";
  }

  static String backendClosed(BackendAddress backend) {
    return "Backend " + backend + " closed the connection before it answered the request";
  }

  static String backendTimeout(BackendAddress backend, Duration timeout) {
    return "Backend " + backend + " did not answer within " + timeout.toMillis() + " ms";
  }

  static String bodyTooLarge(int maxBytes) {
    return "Request body is larger than the load balancer's limit of " + maxBytes + " bytes";
  }

  static String requestReadTimeout(Duration timeout) {
    return "The request was not received completely within " + timeout.toMillis() + " ms";
  }

  static String malformedRequest(Throwable cause) {
    return "Malformed HTTP request: " + (cause == null ? "unknown" : cause.getMessage());
  }

  static String registrationDisabled() {
    return "Registration is disabled: start the balancer with --secret or SPARK_EMBED_LB_SECRET";
  }

  static String wrongSecret() {
    return "Missing or wrong X-Spark-Embed-Secret header";
  }

  static String notFound(String path) {
    return "No load balancer endpoint at " + path;
  }

  static String methodNotAllowed(String method, String path, String allowed) {
    return "Method " + method + " is not allowed on " + path + " (allowed: " + allowed + ")";
  }

  /** A JSON error reply; the caller decides keep-alive. */
  static FullHttpResponse errorResponse(HttpResponseStatus status, String message) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", status.reasonPhrase().toLowerCase(Locale.ROOT).replace(' ', '_'));
    error.put("code", status.code());
    FullHttpResponse response = jsonResponse(status, root.toString());
    response.headers().set(ERROR_SOURCE_HEADER, "true");
    if (status.equals(HttpResponseStatus.SERVICE_UNAVAILABLE)) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    }
    return response;
  }

  static FullHttpResponse jsonResponse(HttpResponseStatus status, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return response;
  }
}
