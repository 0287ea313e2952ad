package dev.sparkembed.embed.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkembed.serving.server.HttpReply;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The service's part of the server: keys checked on arrival, OpenAI's envelope for errors. */
class ServiceServerExtensionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ServiceServerExtension started(String key) {
    ServiceServerExtension e = new ServiceServerExtension();
    e.start(Map.of(ServiceServerExtension.API_KEY_SHA256, ApiKeyCheck.of(key).digestHex()), null);
    return e;
  }

  @Test
  void requestsWithoutTheKeyAreRefusedBeforeTheyAreQueued() throws Exception {
    ServiceServerExtension e = started("k3y");
    HttpReply refused = e.admit("/v1/embeddings", Map.of());
    assertThat(refused.status()).isEqualTo(401);
    JsonNode error = JSON.readTree(refused.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
    assertThat(e.admit("/v1/embeddings", Map.of("authorization", "Bearer k3y"))).isNull();
    assertThat(e.admit("/api/embed", Map.of("api-key", "k3y"))).isNull();
    assertThat(e.admit("/api/embed", Map.of("authorization", "Bearer nope")).status())
        .isEqualTo(401);
    assertThat(started(null).admit("/v1/embeddings", Map.of())).isNull();
  }

  @Test
  void serverErrorsOnOpenAiPathsUseOpenAisEnvelope() throws Exception {
    ServiceServerExtension e = started(null);
    for (int status : new int[] {404, 405, 413, 503}) {
      HttpReply r = e.error("/v1/nothing", status, "what went wrong");
      assertThat(r.status()).isEqualTo(status);
      JsonNode error = JSON.readTree(r.body()).get("error");
      assertThat(error.get("message").asText()).isEqualTo("what went wrong");
      assertThat(error.has("type")).isTrue();
      assertThat(error.has("param")).isTrue();
      assertThat(error.has("code")).isTrue();
    }
    assertThat(e.error("/openai/deployments/x/embeddings", 413, "big").status()).isEqualTo(413);
    assertThat(e.error("/api/embed", 404, "x")).isNull();
  }
}
