package dev.sparkembed.serving.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sparkembed.serving.conf.HttpServerOptions;
import dev.sparkembed.serving.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's edges as an attacker or a careless client meets them (issue 11): 413s that reach the
 * client, read deadlines, per-connection back-pressure, keys checked before queueing, the internal
 * endpoints' secret checked before any body, and 503 (never 404 or a silent close) while a query
 * stops. Real sockets, no Spark.
 */
class ServingServerEdgesTest {
  private static final String SECRET = "0123456789abcdef0123";
  private final List<String> tokens = new ArrayList<>();

  @AfterEach
  void unregisterAll() {
    tokens.forEach(t -> ServingServers.unregister(t, "test over"));
  }

  private ServingServers.Registration register(
      int port, String path, int maxQueued, long readTimeoutMs, ServingServers.ExtensionSpec ext) {
    String token = "t" + UUID.randomUUID().toString().substring(0, 8);
    tokens.add(token);
    return ServingServers.register(
        new ServingServers.Spec(
            "127.0.0.1",
            "127.0.0.1",
            port,
            1,
            List.of(path),
            token,
            SECRET,
            maxQueued,
            30_000,
            1024,
            Set.of("POST"),
            true,
            null,
            0,
            ext,
            null,
            readTimeoutMs));
  }

  private ServingServers.Registration register(String path) throws IOException {
    return register(RawHttp.freePort(), path, 1000, 30_000, null);
  }

  /** Reads the status line of the first response, or -1 when the connection was reset/closed. */
  private static int firstStatus(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    try {
      while ((c = in.read()) >= 0 && c != '\n') {
        line.append((char) c);
      }
    } catch (java.net.SocketException e) {
      return -1;
    }
    String[] parts = line.toString().split(" ");
    return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
  }

  @Test
  void a413ReachesClientsThatSendTheWholeBodyBeforeReading() throws Exception {
    ServingServers.Registration reg = register("/small");
    byte[] body = new byte[2 << 20];
    java.util.Arrays.fill(body, (byte) 'x');
    for (int i = 0; i < 20; i++) {
      // What Python's http.client does: the whole request, then read.
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", reg.port()), 5_000);
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        out.write(
            ("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        assertThat(firstStatus(s.getInputStream())).as("try " + i).isEqualTo(413);
      }
    }
    assertThat(reg.queue().lastSeq()).isZero();
  }

  @Test
  void expectContinueIsDecidedOnContentLengthFirst() throws Exception {
    ServingServers.Registration reg = register("/small");
    try (RawHttp c = new RawHttp(reg.port())) {
      c.send(
          "POST /small HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n");
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(413);
    }
    try (RawHttp c = new RawHttp(reg.port())) {
      c.send(
          "POST /small HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(100);
      c.send("ok");
      await().atMost(Duration.ofSeconds(10)).until(() -> reg.queue().lastSeq() >= 1);
      reg.queue().answer(1, HttpReply.json("\"done\""));
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  @Test
  void aRequestThatDripsGets408() throws Exception {
    ServingServers.Registration reg = register(RawHttp.freePort(), "/d", 1000, 300, null);
    try (RawHttp c = new RawHttp(reg.port())) {
      c.send("POST /d HTTP/1.1\r\nHost: x\r\nContent-Le");
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(c.closedByServer()).isTrue();
    }
    try (RawHttp c = new RawHttp(reg.port())) {
      c.send("POST /d HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{\"a\"");
      assertThat(c.read().status()).isEqualTo(408);
    }
    assertThat(reg.queue().lastSeq()).isZero();
  }

  @Test
  void oneConnectionCannotPipelineTheQueueFull() throws Exception {
    ServingServers.Registration reg = register("/p");
    int limit = ServingRequestHandler.MAX_IN_FLIGHT_PER_CONNECTION;
    try (RawHttp greedy = new RawHttp(reg.port());
        RawHttp other = new RawHttp(reg.port())) {
      StringBuilder burst = new StringBuilder();
      for (int i = 0; i < limit * 4; i++) {
        burst.append(RawHttp.request("POST", "/p", "greedy"));
      }
      greedy.send(burst.toString());
      await().atMost(Duration.ofSeconds(10)).until(() -> reg.queue().lastSeq() >= limit);
      other.send(RawHttp.request("POST", "/p", "other"));
      await().atMost(Duration.ofSeconds(10)).until(() -> reg.queue().lastSeq() >= limit + 1);
      // The greedy connection was paused at its limit, so the other client came next.
      PendingRequest next = reg.queue().read(limit, limit + 1).get(0);
      assertThat(new String(next.data().body(), StandardCharsets.UTF_8)).isEqualTo("other");
      // Answering the greedy connection's requests resumes it.
      for (long seq = 1; seq <= limit; seq++) {
        reg.queue().answer(seq, HttpReply.json("\"ok\""));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> reg.queue().lastSeq() >= 2L * limit + 1);
    }
  }

  /** Admits only requests with {@code x-key: k}. */
  public static final class KeyExtension implements ServerExtension {
    @Override
    public void start(Map<String, String> options, RequestQueue queue) {}

    @Override
    public Set<String> localPaths() {
      return Set.of();
    }

    @Override
    public HttpReply answer(String path, String query, Map<String, String> headers) {
      return HttpReply.error(404, "none");
    }

    @Override
    public void answered(String path, int status, long nanos) {}

    @Override
    public HttpReply admit(String path, Map<String, String> headers) {
      return "k".equals(headers.get("x-key")) ? null : HttpReply.error(401, "no key");
    }
  }

  @Test
  void keylessRequestsAreRefusedBeforeTheyAreQueued() throws Exception {
    ServingServers.Registration reg =
        register(
            RawHttp.freePort(),
            "/k",
            5,
            30_000,
            new ServingServers.ExtensionSpec(KeyExtension.class.getName(), Map.of()));
    for (int conn = 0; conn < 4; conn++) {
      try (RawHttp flood = new RawHttp(reg.port())) {
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 50; i++) {
          burst.append(RawHttp.request("POST", "/k", "no key"));
        }
        flood.send(burst.toString());
        for (int i = 0; i < 50; i++) {
          assertThat(flood.read().status()).isEqualTo(401);
        }
      }
    }
    assertThat(reg.queue().lastSeq()).isZero();
    try (RawHttp keyed = new RawHttp(reg.port())) {
      keyed.send(RawHttp.request("POST", "/k", "keyed", "x-key: k"));
      await().atMost(Duration.ofSeconds(10)).until(() -> reg.queue().lastSeq() >= 1);
      reg.queue().answer(1, HttpReply.json("\"ok\""));
      assertThat(keyed.read().status()).isEqualTo(200);
    }
  }

  @Test
  void internalEndpointsCheckTheSecretBeforeAnyBodyAndGiveNoOracle() throws Exception {
    ServingServers.Registration reg = register("/i");
    String replies = HttpServerOptions.INTERNAL_PREFIX + "replies";
    try (RawHttp c = new RawHttp(reg.port())) {
      // 100 MiB announced, nothing sent: the answer comes from the head alone.
      c.send("POST " + replies + " HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n");
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.body()).contains(InternalEndpoints.FORBIDDEN);
    }
    try (RawHttp c = new RawHttp(reg.port())) {
      RawHttp.Response r =
          c.post(replies, "not the wire format", HttpServerOptions.SECRET_HEADER + ": " + SECRET);
      assertThat(r.status()).isEqualTo(400);
    }
    String base = HttpServerOptions.INTERNAL_PREFIX + "requests?from=0&to=1&queue=";
    try (RawHttp c = new RawHttp(reg.port())) {
      RawHttp.Response unknown =
          c.post(base + "nope", "", HttpServerOptions.SECRET_HEADER + ": " + SECRET);
      RawHttp.Response wrong =
          c.post(
              base + reg.token(), "", HttpServerOptions.SECRET_HEADER + ": wrong-secret-000000000");
      assertThat(unknown.status()).isEqualTo(403);
      assertThat(wrong.status()).isEqualTo(403);
      assertThat(unknown.body()).isEqualTo(wrong.body());
    }
  }

  @Test
  void aStoppedQueryAnswers503WithRetryAfterNever404() throws Exception {
    int port = RawHttp.freePort();
    ServingServers.Registration stays = register(port, "/stays", 1000, 30_000, null);
    ServingServers.Registration stops = register(port, "/stops", 1000, 30_000, null);
    try (RawHttp waiting = new RawHttp(port);
        RawHttp late = new RawHttp(port)) {
      waiting.send(RawHttp.request("POST", "/stops", "waiting"));
      await().atMost(Duration.ofSeconds(10)).until(() -> stops.queue().lastSeq() >= 1);
      ServingServers.unregister(stops.token(), "the query stopped");
      RawHttp.Response w = waiting.read();
      assertThat(w.status()).isEqualTo(503);
      assertThat(w.headers()).containsKey("retry-after");
      RawHttp.Response l = late.post("/stops", "late");
      assertThat(l.status()).isEqualTo(503);
      assertThat(l.headers()).containsEntry("retry-after", "1");
      assertThat(l.body()).contains("the query stopped");
    }
    assertThat(stays.queue()).isNotNull();
  }

  @Test
  void aServerThatClosesAnswersItsWaitingClientsFirst() throws Exception {
    for (int round = 0; round < 5; round++) {
      ServingServers.Registration reg = register("/last");
      List<RawHttp> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          RawHttp c = new RawHttp(reg.port());
          c.send(RawHttp.request("POST", "/last", "w" + i));
          clients.add(c);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> reg.queue().lastSeq() >= 8);
        ServingServers.unregister(reg.token(), "stopping");
        for (RawHttp c : clients) {
          RawHttp.Response r = c.read();
          assertThat(r).as("round " + round + ": an answer, not a silent close").isNotNull();
          assertThat(r.status()).isEqualTo(503);
        }
      } finally {
        for (RawHttp c : clients) {
          c.close();
        }
      }
    }
  }
}
