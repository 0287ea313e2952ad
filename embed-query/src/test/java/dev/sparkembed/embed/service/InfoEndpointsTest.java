package dev.sparkembed.embed.service;

import static dev.sparkembed.embed.service.WireFormatTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class InfoEndpointsTest {
  private final AtomicReference<ModelInfo> model = new AtomicReference<>();
  private final AtomicReference<String> notReady = new AtomicReference<>("the model is loading");
  private final ServiceMetrics metrics = new ServiceMetrics();
  private final InfoEndpoints open =
      new InfoEndpoints(model::get, notReady::get, ApiKeyCheck.of(null), metrics);

  private static ServiceRequest get(String path, Map<String, String> headers) {
    return new ServiceRequest("GET", path, headers, new byte[0]);
  }

  @Test
  void healthIsAlwaysOkAndReadinessFollowsTheState() {
    assertThat(open.answer(get("/healthz", Map.of())).status()).isEqualTo(200);
    ServiceReply before = open.answer(get("/readyz", Map.of()));
    assertThat(before.status()).isEqualTo(503);
    assertThat(json(before.body()).get("reason").asText()).isEqualTo("the model is loading");
    notReady.set(null);
    assertThat(open.answer(get("/readyz", Map.of())).status()).isEqualTo(200);
  }

  @Test
  void listsTheModelForOpenAiAndOllama() {
    assertThat(open.answer(get("/v1/models", Map.of())).status()).isEqualTo(503);
    model.set(new ModelInfo("all-MiniLM-L6-v2", 384, 256));
    JsonNode models = json(open.answer(get("/v1/models", Map.of())).body());
    assertThat(models.get("object").asText()).isEqualTo("list");
    assertThat(models.at("/data/0/id").asText()).isEqualTo("all-MiniLM-L6-v2");
    assertThat(models.at("/data/0/object").asText()).isEqualTo("model");
    JsonNode tags = json(open.answer(get("/api/tags", Map.of())).body());
    assertThat(tags.at("/models/0/name").asText()).isEqualTo("all-MiniLM-L6-v2");
    assertThat(OffsetDateTime.parse(tags.at("/models/0/modified_at").asText())).isNotNull();
    assertThat(tags.at("/models/0/digest").asText()).hasSize(64);
    JsonNode version = json(open.answer(get("/api/version", Map.of())).body());
    assertThat(version.get("version").asText()).isEqualTo(InfoEndpoints.OLLAMA_COMPATIBLE_VERSION);
  }

  @Test
  void listingsNeedTheKeyButHealthAndMetricsDoNot() {
    model.set(new ModelInfo("m", 4, 8));
    InfoEndpoints guarded = new InfoEndpoints(model::get, () -> null, ApiKeyCheck.of("k"), metrics);
    assertThat(guarded.answer(get("/v1/models", Map.of())).status()).isEqualTo(401);
    assertThat(guarded.answer(get("/api/tags", Map.of())).status()).isEqualTo(401);
    assertThat(guarded.answer(get("/v1/models", Map.of("Authorization", "Bearer k"))).status())
        .isEqualTo(200);
    assertThat(guarded.answer(get("/healthz", Map.of())).status()).isEqualTo(200);
    assertThat(guarded.answer(get("/readyz", Map.of())).status()).isEqualTo(200);
    assertThat(guarded.answer(get("/metrics", Map.of())).status()).isEqualTo(200);
  }

  @Test
  void metricsArePrometheusText() {
    metrics.recordRequest("/v1/embeddings", 200, 3_000_000);
    metrics.recordRequest("/openai/deployments/a/embeddings", 401, 100_000);
    metrics.recordRequest("/openai/deployments/b/embeddings", 401, 100_000);
    metrics.recordModelCall(32, 320, 20_000_000);
    metrics.queueDepth(() -> 5);
    ServiceReply reply = open.answer(get("/metrics", Map.of()));
    assertThat(reply.contentType()).startsWith("text/plain; version=0.0.4");
    String text = new String(reply.body(), StandardCharsets.UTF_8);
    assertThat(text)
        .contains("# TYPE spark_embed_requests_total counter")
        .contains("spark_embed_requests_total{endpoint=\"/v1/embeddings\",status=\"200\"} 1")
        .contains(
            "spark_embed_requests_total{endpoint=\"/openai/deployments/{deployment}/embeddings\","
                + "status=\"401\"} 2")
        .contains(
            "spark_embed_request_duration_seconds_bucket{endpoint=\"/v1/embeddings\",le=\"0.0025\"} 0")
        .contains(
            "spark_embed_request_duration_seconds_bucket{endpoint=\"/v1/embeddings\",le=\"0.005\"} 1")
        .contains("spark_embed_request_duration_seconds_count{endpoint=\"/v1/embeddings\"} 1")
        .contains("spark_embed_batch_texts_bucket{le=\"16\"} 0")
        .contains("spark_embed_batch_texts_bucket{le=\"32\"} 1")
        .contains("spark_embed_batch_texts_bucket{le=\"+Inf\"} 1")
        .contains("spark_embed_queue_depth 5")
        .contains("spark_embed_texts_total 32")
        .contains("spark_embed_tokens_total 320");
  }
}
