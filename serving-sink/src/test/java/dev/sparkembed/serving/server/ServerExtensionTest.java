package dev.sparkembed.serving.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sparkembed.serving.testing.RawHttp;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server additions the embedding service needs, over real sockets: one query on several paths
 * (one a template), GET paths answered by an extension on the event loop, the extension told of
 * every answer, and HTTPS from PEM files.
 */
class ServerExtensionTest {
  private static final String SECRET = "0123456789abcdef0123";
  private final List<String> tokens = new ArrayList<>();

  /** A test extension: answers GET /health, records what was answered. */
  public static final class RecordingExtension implements ServerExtension {
    static final List<String> ANSWERED = new CopyOnWriteArrayList<>();
    private String greeting;
    private RequestQueue queue;

    public RecordingExtension() {}

    @Override
    public void start(Map<String, String> options, RequestQueue queue) {
      this.greeting = options.get("GREETING");
      this.queue = queue;
    }

    @Override
    public Set<String> localPaths() {
      return Set.of("/health");
    }

    @Override
    public HttpReply answer(String path, String query, Map<String, String> headers) {
      return HttpReply.json("{\"greeting\":\"" + greeting + "\",\"depth\":" + queue.depth() + "}");
    }

    @Override
    public void answered(String path, int status, long nanos) {
      ANSWERED.add(path + " " + status);
    }
  }

  @AfterEach
  void unregister() {
    tokens.forEach(t -> ServingServers.unregister(t, "test over"));
  }

  private ServingServers.Registration register(
      int port, List<String> paths, ServingServers.TlsFiles tls) {
    return register(port, paths, tls, true);
  }

  private ServingServers.Registration register(
      int port, List<String> paths, ServingServers.TlsFiles tls, boolean withExtension) {
    String token = "x" + UUID.randomUUID().toString().substring(0, 8);
    tokens.add(token);
    return ServingServers.register(
        new ServingServers.Spec(
            "127.0.0.1",
            "127.0.0.1",
            port,
            1,
            paths,
            token,
            SECRET,
            100,
            30_000,
            1024,
            Set.of("POST"),
            true,
            null,
            0,
            withExtension
                ? new ServingServers.ExtensionSpec(
                    RecordingExtension.class.getName(), Map.of("greeting", "hi"))
                : null,
            tls,
            30_000));
  }

  @Test
  void severalPathsOneQueueAndLocalGetPaths() throws Exception {
    RecordingExtension.ANSWERED.clear();
    int port = RawHttp.freePort();
    ServingServers.Registration reg =
        register(port, List.of("/v1/a", "/deployments/{name}/b"), null);
    RequestQueue queue = reg.queue();
    try (RawHttp http = new RawHttp(port)) {
      http.send(RawHttp.request("POST", "/v1/a", "{\"n\":1}"));
      http.send(RawHttp.request("POST", "/deployments/dep-1/b?api-version=2", "{\"n\":2}"));
      await().atMost(Duration.ofSeconds(10)).until(() -> queue.lastSeq() >= 2);
      List<PendingRequest> queued = queue.read(0, 2);
      assertThat(queued)
          .extracting(r -> r.data().path())
          .containsExactly("/v1/a", "/deployments/dep-1/b");
      assertThat(queued.get(1).data().query()).isEqualTo("api-version=2");
      queue.answer(queued.get(0).seq(), HttpReply.json("{\"ok\":1}"));
      queue.answer(queued.get(1).seq(), HttpReply.json("{\"ok\":2}"));
      assertThat(http.read().body()).isEqualTo("{\"ok\":1}");
      assertThat(http.read().body()).isEqualTo("{\"ok\":2}");

      http.send(RawHttp.request("GET", "/health", ""));
      RawHttp.Response health = http.read();
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"greeting\":\"hi\",\"depth\":0}");
      http.send(RawHttp.request("POST", "/health", "{}"));
      RawHttp.Response wrongMethod = http.read();
      assertThat(wrongMethod.status()).isEqualTo(405);
      assertThat(wrongMethod.headers().get("allow")).isEqualTo("GET, HEAD");
      http.send(RawHttp.request("POST", "/deployments/a/b/c/b", "{}"));
      assertThat(http.read().status()).isEqualTo(404);
    }
    assertThat(RecordingExtension.ANSWERED)
        .containsExactly("/v1/a 200", "/deployments/dep-1/b 200", "/health 200", "/health 405");
  }

  @Test
  void pathsOfARunningQueryCannotBeTakenTwice() throws Exception {
    int port = RawHttp.freePort();
    register(port, List.of("/one", "/two/{x}"), null, false);
    assertThatThrownBy(() -> register(port, List.of("/three", "/two/{x}"), null, false))
        .hasMessageContaining("already served");
    // The failed registration claimed nothing: /three is still free.
    register(port, List.of("/three"), null, false);
    // An extension's GET paths count too: a second query with the same ones cannot share the port.
    register(port, List.of("/four"), null, true);
    assertThatThrownBy(() -> register(port, List.of("/five"), null, true))
        .hasMessageContaining("already served");
  }

  @Test
  void httpsFromPemFilesAndPlainHttpOnlyForInternalPaths(@TempDir Path dir) throws Exception {
    Pem pem = Pem.selfSigned(dir);
    int port = RawHttp.freePort();
    register(
        port,
        List.of("/v1/a"),
        new ServingServers.TlsFiles(pem.cert.toString(), pem.key.toString()));
    HttpClient https = HttpClient.newBuilder().sslContext(pem.trusting()).build();
    HttpResponse<String> health =
        https.send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"greeting\":\"hi\"");

    try (RawHttp plain = new RawHttp(port)) {
      plain.send(RawHttp.request("GET", "/health", ""));
      RawHttp.Response refused = plain.read();
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.body()).contains("HTTPS only");
      plain.send(RawHttp.request("GET", "/_spark-embed/health", ""));
      assertThat(plain.read().status()).isEqualTo(200);
    }

    assertThatThrownBy(() -> register(port, List.of("/v1/b"), null))
        .hasMessageContaining("already serves HTTPS");
  }

  @Test
  void unusableTlsFilesAreNamed(@TempDir Path dir) throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a pem");
    assertThatThrownBy(
            () ->
                register(
                    RawHttp.freePort(),
                    List.of("/v1/a"),
                    new ServingServers.TlsFiles(junk.toString(), junk.toString())))
        .hasMessageContaining("tlsCert")
        .hasMessageContaining("junk.pem");
  }

  /** A self-signed certificate for 127.0.0.1 made with the JDK's keytool, written as PEM. */
  private record Pem(Path cert, Path key, Certificate certificate) {
    static Pem selfSigned(Path dir) throws Exception {
      Path store = dir.resolve("test.p12");
      Process keytool =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                  "-genkeypair",
                  "-alias",
                  "test",
                  "-keyalg",
                  "RSA",
                  "-keysize",
                  "2048",
                  "-validity",
                  "2",
                  "-dname",
                  "CN=127.0.0.1",
                  "-ext",
                  "SAN=ip:127.0.0.1",
                  "-storetype",
                  "PKCS12",
                  "-keystore",
                  store.toString(),
                  "-storepass",
                  "changeit",
                  "-keypass",
                  "changeit")
              .redirectErrorStream(true)
              .start();
      String output;
      try (InputStream in = keytool.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(keytool.exitValue()).as(output).isZero();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        ks.load(in, "changeit".toCharArray());
      }
      Certificate cert = ks.getCertificate("test");
      byte[] key = ks.getKey("test", "changeit".toCharArray()).getEncoded();
      Path certPem = dir.resolve("cert.pem");
      Path keyPem = dir.resolve("key.pem");
      Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
      Files.writeString(keyPem, pem("PRIVATE KEY", key));
      return new Pem(certPem, keyPem, cert);
    }

    private static String pem(String type, byte[] der) {
      return "-----BEGIN "
          + type
          + "-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
          + "\n-----END "
          + type
          + "-----\n";
    }

    SSLContext trusting() throws Exception {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("test", certificate);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    }
  }
}
