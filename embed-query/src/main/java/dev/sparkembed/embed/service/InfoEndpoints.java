package dev.sparkembed.embed.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * The GET endpoints that need no model call, answered by the server itself (on its event loop,
 * without a Spark batch): {@code /healthz}, {@code /readyz}, {@code /metrics}, {@code /v1/models},
 * {@code /api/tags}, {@code /api/version}. Each answer is built from in-memory state only, so it
 * never blocks. Runs in every JVM that hosts a server (the driver in head mode).
 */
public final class InfoEndpoints {
  /** The Ollama version this service answers as: one whose clients use {@code /api/embed}. */
  public static final String OLLAMA_COMPATIBLE_VERSION = "0.12.0";

  public static final String HEALTHZ = "/healthz";
  public static final String READYZ = "/readyz";
  public static final String METRICS = "/metrics";
  public static final String MODELS = "/v1/models";
  public static final String TAGS = "/api/tags";
  public static final String VERSION = "/api/version";

  /** Every path this class answers. */
  public static final java.util.List<String> PATHS =
      java.util.List.of(HEALTHZ, READYZ, METRICS, MODELS, TAGS, VERSION);

  private final Supplier<ModelInfo> model;
  private final Supplier<String> notReadyReason;
  private final ApiKeyCheck apiKey;
  private final ServiceMetrics metrics;
  private final Instant started = Instant.now();

  /**
   * @param model the served model once loaded, {@code null} before
   * @param notReadyReason why the service is not ready, or {@code null} when it is
   */
  public InfoEndpoints(
      Supplier<ModelInfo> model,
      Supplier<String> notReadyReason,
      ApiKeyCheck apiKey,
      ServiceMetrics metrics) {
    this.model = model;
    this.notReadyReason = notReadyReason;
    this.apiKey = apiKey;
    this.metrics = metrics;
  }

  /** The answer for a GET to one of {@link #PATHS}. */
  public ServiceReply answer(ServiceRequest request) {
    switch (request.path()) {
      case HEALTHZ:
        return ServiceReply.json(200, object("status", "ok"));
      case READYZ:
        String reason = notReadyReason.get();
        return reason == null
            ? ServiceReply.json(200, object("status", "ready"))
            : ServiceReply.json(503, status("not ready", reason));
      case METRICS:
        return new ServiceReply(
            200, ServiceReply.PROMETHEUS, metrics.render().getBytes(StandardCharsets.UTF_8), 0, 0);
      case VERSION:
        return ServiceReply.json(200, object("version", OLLAMA_COMPATIBLE_VERSION));
      case MODELS:
        return apiKey.permits(request)
            ? withModel(request, ApiFormat.OPENAI, this::models)
            : unauthorized(ApiFormat.OPENAI);
      case TAGS:
        return apiKey.permits(request)
            ? withModel(request, ApiFormat.OLLAMA_EMBED, this::tags)
            : unauthorized(ApiFormat.OLLAMA_EMBED);
      default:
        return ServiceReply.json(
            404,
            OpenAiWireFormat.openAiError(ApiErrors.notFound(request.method(), request.path())));
    }
  }

  private ServiceReply withModel(
      ServiceRequest request, ApiFormat format, java.util.function.Function<ModelInfo, byte[]> f) {
    ModelInfo info = model.get();
    if (info == null) {
      return ServiceReply.json(
          503, format.wireFormat().encodeError(ApiErrors.modelNotLoaded(request.path())));
    }
    return ServiceReply.json(200, f.apply(info));
  }

  private static ServiceReply unauthorized(ApiFormat format) {
    return ServiceReply.json(401, format.wireFormat().encodeError(ApiErrors.unauthorized()));
  }

  private byte[] models(ModelInfo info) {
    return ServiceJson.write(
        256,
        gen -> {
          gen.writeStartObject();
          gen.writeStringField("object", "list");
          gen.writeArrayFieldStart("data");
          gen.writeStartObject();
          gen.writeStringField("id", info.name());
          gen.writeStringField("object", "model");
          gen.writeNumberField("created", started.getEpochSecond());
          gen.writeStringField("owned_by", "spark-embed");
          gen.writeEndObject();
          gen.writeEndArray();
          gen.writeEndObject();
        });
  }

  private byte[] tags(ModelInfo info) {
    return ServiceJson.write(
        512,
        gen -> {
          gen.writeStartObject();
          gen.writeArrayFieldStart("models");
          gen.writeStartObject();
          gen.writeStringField("name", info.name());
          gen.writeStringField("model", info.name());
          gen.writeStringField("modified_at", started.atOffset(ZoneOffset.UTC).toString());
          gen.writeNumberField("size", 0);
          gen.writeStringField("digest", digest(info.name()));
          gen.writeObjectFieldStart("details");
          gen.writeStringField("parent_model", "");
          gen.writeStringField("format", "onnx");
          gen.writeStringField("family", "");
          gen.writeArrayFieldStart("families");
          gen.writeEndArray();
          gen.writeStringField("parameter_size", "");
          gen.writeStringField("quantization_level", "");
          gen.writeEndObject();
          gen.writeEndObject();
          gen.writeEndArray();
          gen.writeEndObject();
        });
  }

  /** A stable id for the model name (not a hash of its weights, which Ollama's digest is). */
  private static String digest(String name) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] object(String key, String value) {
    return ServiceJson.write(
        64,
        gen -> {
          gen.writeStartObject();
          gen.writeStringField(key, value);
          gen.writeEndObject();
        });
  }

  private static byte[] status(String status, String reason) {
    return ServiceJson.write(
        128,
        gen -> {
          gen.writeStartObject();
          gen.writeStringField("status", status);
          gen.writeStringField("reason", reason);
          gen.writeEndObject();
        });
  }
}
