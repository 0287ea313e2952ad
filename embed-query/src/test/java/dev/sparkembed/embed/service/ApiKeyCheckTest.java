package dev.sparkembed.embed.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeyCheckTest {

  private static ServiceRequest withHeaders(Map<String, String> headers) {
    return new ServiceRequest("POST", "/v1/embeddings", headers, new byte[0]);
  }

  @Test
  void noKeyMeansOpen() {
    assertThat(ApiKeyCheck.of(null).required()).isFalse();
    assertThat(ApiKeyCheck.of("").permits(withHeaders(Map.of()))).isTrue();
  }

  @Test
  void acceptsBearerOrApiKeyHeaderInAnyCase() {
    ApiKeyCheck check = ApiKeyCheck.of("k-123");
    assertThat(check.permits(withHeaders(Map.of("Authorization", "Bearer k-123")))).isTrue();
    assertThat(check.permits(withHeaders(Map.of("authorization", "bearer k-123")))).isTrue();
    assertThat(check.permits(withHeaders(Map.of("api-key", "k-123")))).isTrue();
    assertThat(check.permits(withHeaders(Map.of("API-KEY", "k-123")))).isTrue();
    assertThat(check.permits(withHeaders(Map.of()))).isFalse();
    assertThat(check.permits(withHeaders(Map.of("Authorization", "k-123")))).isFalse();
    assertThat(check.permits(withHeaders(Map.of("Authorization", "Basic k-123")))).isFalse();
    assertThat(check.permits(withHeaders(Map.of("api-key", "k-1234")))).isFalse();
  }

  @Test
  void whatIsSerialisedIsNotTheKey() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(ApiKeyCheck.of("plain-secret-value"));
    }
    assertThat(new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1))
        .doesNotContain("plain-secret-value");
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      ApiKeyCheck copy = (ApiKeyCheck) in.readObject();
      assertThat(copy.permits(withHeaders(Map.of("api-key", "plain-secret-value")))).isTrue();
    }
  }
}
