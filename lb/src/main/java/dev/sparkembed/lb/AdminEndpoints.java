package dev.sparkembed.lb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;

/**
 * The balancer's own endpoints, answered in memory without blocking (a plain function from request
 * to response; {@link LbFrontendHandler} keeps them in request order):
 *
 * <ul>
 *   <li>{@code GET /_lb/health}: the balancer's own health (200 while it runs) and backend counts;
 *   <li>{@code GET /_lb/backends}: every backend with state, sources and outstanding requests;
 *   <li>{@code POST /_lb/register}, {@code POST /_lb/deregister}: body {@code
 *       {"host":..,"port":..}}, header {@code X-Spark-Embed-Secret} required (else 403);
 *   <li>{@code GET /metrics} (also {@code /_lb/metrics}): Prometheus text.
 * </ul>
 *
 * Runs on the balancer's event loops.
 */
final class AdminEndpoints {

  /** The header internal callers authenticate with. */
  static final String SECRET_HEADER = "X-Spark-Embed-Secret";

  static final String HEALTH = "/_lb/health";
  static final String BACKENDS = "/_lb/backends";
  static final String REGISTER = "/_lb/register";
  static final String DEREGISTER = "/_lb/deregister";
  static final String METRICS = "/metrics";
  static final String LB_METRICS = "/_lb/metrics";

  private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final BackendPool pool;
  private final LbMetrics metrics;
  private final Optional<byte[]> secret;

  AdminEndpoints(BackendPool pool, LbMetrics metrics, LbOptions options) {
    this.pool = pool;
    this.metrics = metrics;
    this.secret = options.secret().map(s -> s.getBytes(StandardCharsets.UTF_8));
  }

  /** True for paths the balancer answers itself instead of proxying. */
  static boolean handles(HttpRequest request) {
    String path = path(request);
    return path.equals(METRICS) || path.equals("/_lb") || path.startsWith("/_lb/");
  }

  FullHttpResponse handle(FullHttpRequest request) {
    String path = path(request);
    HttpMethod method = request.method();
    switch (path) {
      case HEALTH:
        return method.equals(HttpMethod.GET) ? health() : wrongMethod(request, "GET");
      case BACKENDS:
        return method.equals(HttpMethod.GET) ? backends() : wrongMethod(request, "GET");
      case REGISTER:
      case DEREGISTER:
        return method.equals(HttpMethod.POST)
            ? membership(request, path.equals(REGISTER))
            : wrongMethod(request, "POST");
      case METRICS:
      case LB_METRICS:
        return method.equals(HttpMethod.GET) ? metrics() : wrongMethod(request, "GET");
      default:
        return LbErrors.errorResponse(HttpResponseStatus.NOT_FOUND, LbErrors.notFound(path));
    }
  }

  private FullHttpResponse health() {
    ObjectNode body = LbErrors.JSON.createObjectNode();
    body.put("status", "ok");
    body.put("backends", pool.size());
    body.put("up", pool.upCount());
    return LbErrors.jsonResponse(HttpResponseStatus.OK, body.toString());
  }

  private FullHttpResponse backends() {
    ObjectNode body = LbErrors.JSON.createObjectNode();
    ArrayNode list = body.putArray("backends");
    for (Backend b : pool.backends()) {
      ObjectNode node = list.addObject();
      node.put("host", b.address().host());
      node.put("port", b.address().port());
      node.put("address", b.address().toString());
      if (b.label() != null) {
        node.put("executorId", b.label());
      }
      node.put("state", b.isUp() ? "up" : "down");
      AttachedBackend attached = b.attached();
      if (attached != null) {
        node.put("attachConnections", attached.size());
      }
      node.put("outstanding", b.outstanding());
      node.put("requests", b.requests());
      ArrayNode sources = node.putArray("sources");
      pool.sourcesOf(b).stream()
          .sorted()
          .forEach(s -> sources.add(s.name().toLowerCase(Locale.ROOT)));
      if (b.lastError() != null) {
        node.put("lastError", b.lastError());
      }
    }
    body.put("total", pool.size());
    body.put("up", pool.upCount());
    return LbErrors.jsonResponse(HttpResponseStatus.OK, body.toString());
  }

  private FullHttpResponse membership(FullHttpRequest request, boolean register) {
    if (secret.isEmpty()) {
      return LbErrors.errorResponse(HttpResponseStatus.FORBIDDEN, LbErrors.registrationDisabled());
    }
    String given = request.headers().get(SECRET_HEADER);
    if (given == null
        || !MessageDigest.isEqual(secret.get(), given.getBytes(StandardCharsets.UTF_8))) {
      return LbErrors.errorResponse(HttpResponseStatus.FORBIDDEN, LbErrors.wrongSecret());
    }
    BackendAddress address;
    String label;
    try {
      JsonNode body = LbErrors.JSON.readTree(request.content().toString(StandardCharsets.UTF_8));
      if (body == null || !body.isObject()) {
        throw LbErrors.invalidField(
            "body", abbreviate(body), "a JSON object {\"host\":..,\"port\":..}");
      }
      JsonNode host = body.get("host");
      if (host == null || !host.isTextual()) {
        throw LbErrors.invalidField("host", host, "a host name or IP address string");
      }
      JsonNode port = body.get("port");
      if (port == null || !port.canConvertToInt() || !port.isIntegralNumber()) {
        throw LbErrors.invalidField("port", port, "1-65535");
      }
      address = new BackendAddress(host.asText(), port.asInt());
      JsonNode id = body.get("executorId");
      label = id == null || id.isNull() ? null : id.asText();
    } catch (IllegalArgumentException e) {
      return LbErrors.errorResponse(HttpResponseStatus.BAD_REQUEST, e.getMessage());
    } catch (Exception e) {
      return LbErrors.errorResponse(
          HttpResponseStatus.BAD_REQUEST, "Invalid JSON body: " + e.getMessage());
    }
    ObjectNode reply = LbErrors.JSON.createObjectNode();
    if (register) {
      boolean added = pool.add(address, Backend.Source.REGISTERED, label);
      reply.put("registered", address.toString());
      reply.put("added", added);
    } else {
      boolean removed = pool.remove(address, Backend.Source.REGISTERED);
      reply.put("deregistered", address.toString());
      reply.put("removed", removed);
    }
    reply.put("backends", pool.size());
    return LbErrors.jsonResponse(HttpResponseStatus.OK, reply.toString());
  }

  private FullHttpResponse metrics() {
    byte[] text = metrics.render(pool).getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(text));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, PROMETHEUS_TYPE);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, text.length);
    return response;
  }

  private static FullHttpResponse wrongMethod(HttpRequest request, String allowed) {
    FullHttpResponse response =
        LbErrors.errorResponse(
            HttpResponseStatus.METHOD_NOT_ALLOWED,
            LbErrors.methodNotAllowed(request.method().name(), path(request), allowed));
    response.headers().set(HttpHeaderNames.ALLOW, allowed);
    return response;
  }

  private static String path(HttpRequest request) {
    return new QueryStringDecoder(request.uri()).path();
  }

  private static String abbreviate(JsonNode node) {
    String s = String.valueOf(node);
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }
}
