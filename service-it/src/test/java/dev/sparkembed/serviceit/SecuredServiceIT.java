package dev.sparkembed.serviceit;

import static dev.sparkembed.serviceit.ReferenceEmbeddings.MIN_COSINE;
import static dev.sparkembed.serviceit.ReferenceEmbeddings.cosine;
import static dev.sparkembed.serviceit.ReferenceEmbeddings.floats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.github.ollama4j.Ollama;
import io.github.ollama4j.models.embed.OllamaEmbedRequestBuilder;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service as SQL Server 2025 needs it: HTTPS with a certificate made in the test ({@code
 * --tls-cert}/{@code --tls-key} PEM) and an API key taken from {@code api-key} or {@code
 * Authorization: Bearer}; health stays open.
 */
class SecuredServiceIT {
  private static final String KEY = "it-key-" + Long.toHexString(System.nanoTime());
  private static final List<ReferenceEmbeddings.Sentence> REFERENCE = ReferenceEmbeddings.load();

  private static TestCertificates certs;
  private static SSLContext previousDefault;
  private static ServiceProcess service;
  private static Http https;

  @BeforeAll
  static void startService() throws Exception {
    certs = TestCertificates.create(Path.of("target/service-it/certs"));
    // ollama4j builds its own HttpClient with the JVM's default SSL context: trust the test
    // certificate there for this class, and put the previous default back afterwards.
    previousDefault = SSLContext.getDefault();
    SSLContext.setDefault(certs.sslContext());
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(certs.sslContext())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    service =
        ServiceProcess.start(
            "SecuredServiceIT",
            client,
            true,
            "--tls-cert",
            certs.certPem.toAbsolutePath().toString(),
            "--tls-key",
            certs.keyPem.toAbsolutePath().toString(),
            "--api-key",
            KEY);
    https = new Http(client, service);
  }

  @AfterAll
  static void stopService() {
    if (service != null) {
      service.close();
    }
    if (previousDefault != null) {
      SSLContext.setDefault(previousDefault);
    }
  }

  private OpenAIClient openAi(String key) {
    return OpenAIOkHttpClient.builder()
        .baseUrl(service.baseUrl() + "/v1")
        .apiKey(key)
        .sslSocketFactory(certs.sslContext().getSocketFactory())
        .trustManager(certs.trustManager())
        .maxRetries(0)
        .timeout(Duration.ofSeconds(60))
        .build();
  }

  @Test
  void openAiSdkOverTlsWithTheKey() {
    OpenAIClient client = openAi(KEY);
    try {
      CreateEmbeddingResponse r =
          client
              .embeddings()
              .create(
                  EmbeddingCreateParams.builder()
                      .input(REFERENCE.get(0).text())
                      .model("all-MiniLM-L6-v2")
                      .build());
      assertThat(
              cosine(
                  floats(r.data().get(0).embeddingValue().asFloats()),
                  REFERENCE.get(0).embedding()))
          .isGreaterThanOrEqualTo(MIN_COSINE);
    } finally {
      client.close();
    }
    OpenAIClient wrong = openAi(KEY + "x");
    try {
      assertThatThrownBy(
              () ->
                  wrong
                      .embeddings()
                      .create(EmbeddingCreateParams.builder().input("x").model("m").build()))
          .isInstanceOfSatisfying(
              UnauthorizedException.class, e -> assertThat(e.code()).contains("invalid_api_key"));
    } finally {
      wrong.close();
    }
  }

  @Test
  void azureStyleApiKeyHeaderAndBearerBothWork() {
    String body =
        "{\"input\":" + Http.JSON.getNodeFactory().textNode(REFERENCE.get(1).text()) + "}";
    Http.Reply azure =
        https.post(
            "/openai/deployments/minilm/embeddings?api-version=2024-02-01", body, "api-key", KEY);
    assertThat(azure.status()).isEqualTo(200);
    assertThat(cosine(floats(azure.json().at("/data/0/embedding")), REFERENCE.get(1).embedding()))
        .isGreaterThanOrEqualTo(MIN_COSINE);
    Http.Reply batch =
        https.post(
            "/v1/embed/batch", "[{\"id\":1,\"text\":\"a\"}]", "Authorization", "Bearer " + KEY);
    assertThat(batch.status()).isEqualTo(200);
  }

  @Test
  void withoutTheKeyEmbeddingAndListingAre401ButHealthIsOpen() {
    Http.Reply openAi = https.post("/v1/embeddings", "{\"input\":\"x\"}");
    assertThat(openAi.status()).isEqualTo(401);
    assertThat(openAi.json().at("/error/code").asText()).isEqualTo("invalid_api_key");
    Http.Reply ollama = https.post("/api/embed", "{\"input\":\"x\"}", "api-key", "wrong");
    assertThat(ollama.status()).isEqualTo(401);
    assertThat(ollama.json().get("error").asText()).contains("API key");
    assertThat(https.get("/v1/models").status()).isEqualTo(401);
    assertThat(https.get("/api/tags").status()).isEqualTo(401);
    assertThat(https.get("/v1/models", "api-key", KEY).status()).isEqualTo(200);
    assertThat(https.get("/healthz").status()).isEqualTo(200);
    assertThat(https.get("/readyz").status()).isEqualTo(200);
    assertThat(https.get("/metrics").status()).isEqualTo(200);
  }

  @Test
  void ollama4jOverTlsWithABearerKey() throws Exception {
    Ollama ollama = new Ollama(service.baseUrl());
    ollama.setBearerAuth(KEY);
    ollama.setRequestTimeoutSeconds(60);
    assertThat(ollama.ping()).isTrue();
    assertThat(ollama.listModels()).hasSize(1);
    // ollama4j 1.1.6 sends no Authorization header with embed() (its other calls do): against a
    // service with a key, its embed call is refused like any call without the key.
    assertThatThrownBy(
            () ->
                ollama.embed(
                    OllamaEmbedRequestBuilder.getInstance("all-minilm", REFERENCE.get(2).text())
                        .build()))
        .hasMessageContaining("401");
    Ollama noKey = new Ollama(service.baseUrl());
    assertThatThrownBy(noKey::listModels).hasMessageContaining("401");
  }

  @Test
  void plainHttpToTheTlsPortIsRefused() {
    Http plain = new Http(HttpClient.newHttpClient(), service);
    Http.Reply refused =
        plain.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + service.port() + "/v1/embeddings"))
                .header("api-key", KEY)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"input\":\"x\"}"))
                .timeout(Duration.ofSeconds(10))
                .build());
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).contains("HTTPS only");
  }
}
