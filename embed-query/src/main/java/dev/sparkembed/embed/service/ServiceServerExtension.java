package dev.sparkembed.embed.service;

import dev.sparkembed.serving.conf.HttpServerOptions;
import dev.sparkembed.serving.server.HttpReply;
import dev.sparkembed.serving.server.RequestQueue;
import dev.sparkembed.serving.server.ServerExtension;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The service's part of each {@code httpserver} server: answers the GET endpoints ({@link
 * InfoEndpoints}) on the server's event loop, without a Spark batch, and counts every answered
 * request in this JVM's {@link ServiceMetrics}. Created by the server in its own JVM (the driver in
 * head mode, each executor in distributed mode) from the source's {@code extension.*} options.
 * Never blocks: every answer is built from in-memory state.
 */
public class ServiceServerExtension implements ServerExtension {
  /** Source option (after the {@code extension.} prefix): SHA-256 (hex) of the API key. */
  public static final String API_KEY_SHA256 = "apiKeySha256";

  private static final byte[] NO_BODY = new byte[0];

  /** What a client waiting for the model is told: workers take a while to join. */
  static final String RETRY_AFTER_SECONDS = "5";

  private static final Set<String> LOCAL_PATHS = Set.copyOf(new HashSet<>(InfoEndpoints.PATHS));

  private InfoEndpoints endpoints;
  private ApiKeyCheck apiKey;
  private final ServiceMetrics metrics = ServiceMetrics.jvm();

  /** Created by the server through reflection. */
  public ServiceServerExtension() {}

  /** The source options that configure this extension, for {@link EmbeddingService}. */
  public static Map<String, String> options(ServiceConf conf) {
    return Map.of(
        HttpServerOptions.EXTENSION_PREFIX + API_KEY_SHA256, conf.apiKeyCheck().digestHex());
  }

  @Override
  public void start(Map<String, String> options, RequestQueue queue) {
    apiKey = ApiKeyCheck.fromDigestHex(options.get(API_KEY_SHA256));
    if (queue != null) {
      metrics.queueDepth(queue::depth);
    }
    endpoints =
        new InfoEndpoints(ServiceState::model, ServiceState::notReadyReason, apiKey, metrics);
  }

  @Override
  public Set<String> localPaths() {
    return LOCAL_PATHS;
  }

  @Override
  public HttpReply answer(String path, String query, Map<String, String> headers) {
    ServiceReply reply = endpoints.answer(new ServiceRequest("GET", path, headers, new byte[0]));
    return new HttpReply(reply.status(), Map.of("content-type", reply.contentType()), reply.body());
  }

  /**
   * The API key is checked as a request arrives: a keyless flood never fills the queue. While no
   * executor has the model yet (the driver's server opens before the warm-up job has run), requests
   * get 503 with {@code Retry-After} instead of waiting in the queue for workers.
   */
  @Override
  public HttpReply admit(String path, Map<String, String> headers) {
    ApiFormat format = ApiFormat.forPath(path);
    ApiWireFormat wire = (format == null ? ApiFormat.OPENAI : format).wireFormat();
    if (apiKey.required() && !apiKey.permits(new ServiceRequest("POST", path, headers, NO_BODY))) {
      return new HttpReply(
          401, Map.of("content-type", HttpReply.JSON), wire.encodeError(ApiErrors.unauthorized()));
    }
    String awaiting = ServiceState.awaitingModel();
    if (awaiting != null) {
      byte[] body =
          wire.encodeError(ApiErrors.serverLevel(503, "The service is not ready: " + awaiting));
      return new HttpReply(
          503, Map.of("content-type", HttpReply.JSON, "retry-after", RETRY_AFTER_SECONDS), body);
    }
    return null;
  }

  /** OpenAI's error envelope for the server's own errors on OpenAI and Azure OpenAI paths. */
  @Override
  public HttpReply error(String path, int status, String message) {
    if (!path.startsWith("/v1/") && !path.startsWith("/openai/")) {
      return null;
    }
    return new HttpReply(
        status,
        Map.of("content-type", HttpReply.JSON),
        OpenAiWireFormat.openAiError(ApiErrors.serverLevel(status, message)));
  }

  @Override
  public void answered(String path, int status, long nanos) {
    metrics.recordRequest(path, status, nanos);
  }
}
