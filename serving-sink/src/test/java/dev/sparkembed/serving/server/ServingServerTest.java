package dev.sparkembed.serving.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sparkembed.serving.conf.HttpServerOptions;
import dev.sparkembed.serving.testing.RawHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP server and request queue on real sockets, answered from the test thread (no Spark). */
class ServingServerTest {
  private static final String SECRET = "0123456789abcdef0123";
  private final List<String> tokens = new ArrayList<>();

  @AfterEach
  void unregisterAll() {
    tokens.forEach(t -> ServingServers.unregister(t, "test over"));
  }

  private ServingServers.Registration register(
      int port, String path, int maxQueued, long timeoutMs, int maxBody) {
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
            timeoutMs,
            maxBody,
            Set.of("POST"),
            true,
            null,
            0,
            null,
            null,
            30_000));
  }

  private ServingServers.Registration register(String path) throws IOException {
    return register(RawHttp.freePort(), path, 100, 30_000, 1024);
  }

  private static PendingRequest awaitRequest(RequestQueue q, long seq) {
    await().atMost(Duration.ofSeconds(10)).until(() -> q.lastSeq() >= seq);
    return q.read(seq - 1, seq).get(0);
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405() throws Exception {
    ServingServers.Registration reg = register("/echo");
    try (RawHttp c = new RawHttp(reg.port())) {
      RawHttp.Response r = c.post("/nope", "{}");
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.body()).contains("/nope");
      c.send(RawHttp.request("GET", "/echo", null));
      RawHttp.Response m = c.read();
      assertThat(m.status()).isEqualTo(405);
      assertThat(m.headers()).containsEntry("allow", "POST");
      assertThat(m.body()).contains("GET");
    }
  }

  @Test
  void bodyOverTheLimitIs413() throws Exception {
    ServingServers.Registration reg = register("/small");
    try (RawHttp c = new RawHttp(reg.port())) {
      RawHttp.Response r = c.post("/small", "x".repeat(2000));
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.body()).contains("1024");
    }
    // Chunked bodies have no declared length: the limit still holds.
    try (RawHttp c = new RawHttp(reg.port())) {
      String chunk = "x".repeat(800);
      c.send(
          "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              + Integer.toHexString(chunk.length())
              + "\r\n"
              + chunk
              + "\r\n"
              + Integer.toHexString(chunk.length())
              + "\r\n"
              + chunk
              + "\r\n0\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(413);
    }
    assertThat(reg.queue().lastSeq()).isZero();
  }

  @Test
  void fullQueueIs503WithRetryAfter() throws Exception {
    ServingServers.Registration reg = register(RawHttp.freePort(), "/q", 2, 30_000, 1024);
    try (RawHttp a = new RawHttp(reg.port());
        RawHttp b = new RawHttp(reg.port());
        RawHttp c = new RawHttp(reg.port())) {
      a.send(RawHttp.request("POST", "/q", "1"));
      b.send(RawHttp.request("POST", "/q", "2"));
      await().until(() -> reg.queue().depth() == 2);
      RawHttp.Response r = c.post("/q", "3");
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.headers()).containsEntry("retry-after", "1");
      assertThat(reg.queue().metrics().rejectedFull()).isEqualTo(1);
      PendingRequest first =
          reg.queue().read(0, 2).stream()
              .filter(p -> new String(p.data().body(), StandardCharsets.UTF_8).equals("1"))
              .findFirst()
              .orElseThrow();
      reg.queue().answer(first.seq(), HttpReply.json("{\"n\":1}"));
      assertThat(a.read().body()).isEqualTo("{\"n\":1}");
      // Room again once one is answered.
      assertThat(reg.queue().depth()).isEqualTo(1);
    }
  }

  @Test
  void noReplyWithinTheTimeoutIs504AndALateReplyIsDroppedAndCounted() throws Exception {
    ServingServers.Registration reg = register(RawHttp.freePort(), "/slow", 10, 300, 1024);
    try (RawHttp c = new RawHttp(reg.port())) {
      RawHttp.Response r = c.post("/slow", "{}");
      assertThat(r.status()).isEqualTo(504);
      assertThat(r.body()).contains("300 ms");
      assertThat(reg.queue().answer(1, HttpReply.json("{}")))
          .isEqualTo(RequestQueue.ReplyOutcome.CLIENT_GONE);
      assertThat(reg.queue().metrics().timedOut()).isEqualTo(1);
      assertThat(reg.queue().metrics().lateReplies()).isEqualTo(1);
      // The connection is still usable.
      c.send(RawHttp.request("POST", "/slow", "{}"));
      awaitRequest(reg.queue(), 2);
      reg.queue().answer(2, HttpReply.json("{\"ok\":true}"));
      assertThat(c.read().body()).isEqualTo("{\"ok\":true}");
    }
  }

  @Test
  void closingTheQueueAnswersEveryWaitingRequest503AtOnce() throws Exception {
    ServingServers.Registration reg = register("/stop");
    List<RawHttp> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        RawHttp c = new RawHttp(reg.port());
        c.send(RawHttp.request("POST", "/stop", "{}"));
        clients.add(c);
      }
      await().until(() -> reg.queue().depth() == 5);
      ServingServers.unregister(reg.token(), "the query stopped");
      for (RawHttp c : clients) {
        RawHttp.Response r = c.read();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).contains("the query stopped");
      }
    } finally {
      for (RawHttp c : clients) {
        c.close();
      }
    }
  }

  @Test
  void aClientGoneBeforeItsReplyIsDroppedAndCounted() throws Exception {
    ServingServers.Registration reg = register("/gone");
    try (RawHttp c = new RawHttp(reg.port())) {
      c.send(RawHttp.request("POST", "/gone", "{}"));
      awaitRequest(reg.queue(), 1);
    }
    await().until(() -> reg.queue().metrics().clientGone() == 1);
    assertThat(reg.queue().answer(1, HttpReply.json("{}")))
        .isEqualTo(RequestQueue.ReplyOutcome.CLIENT_GONE);
    assertThat(reg.queue().metrics().lateReplies()).isEqualTo(1);
    assertThat(reg.queue().depth()).isZero();
  }

  @Test
  void aSecondReplyForTheSameRequestIsDropped() throws Exception {
    ServingServers.Registration reg = register("/twice");
    try (RawHttp c = new RawHttp(reg.port())) {
      c.send(RawHttp.request("POST", "/twice", "{}"));
      awaitRequest(reg.queue(), 1);
      assertThat(reg.queue().answer(1, HttpReply.json("{\"first\":1}")))
          .isEqualTo(RequestQueue.ReplyOutcome.SENT);
      assertThat(reg.queue().answer(1, HttpReply.json("{\"second\":2}")))
          .isEqualTo(RequestQueue.ReplyOutcome.DUPLICATE);
      assertThat(c.read().body()).isEqualTo("{\"first\":1}");
      c.timeout(300);
      assertThat(org.assertj.core.api.Assertions.catchThrowable(c::read))
          .isInstanceOf(java.net.SocketTimeoutException.class);
    }
  }

  @Test
  void twoPathsShareOnePortAndThePortIsReleasedWithTheLastPath() throws Exception {
    int port = RawHttp.freePort();
    ServingServers.Registration a = register(port, "/a", 10, 30_000, 1024);
    ServingServers.Registration b = register(port, "/b", 10, 30_000, 1024);
    assertThat(ServingServers.ports().stream().filter(p -> p == port)).hasSize(1);
    try (RawHttp c = new RawHttp(port)) {
      c.send(RawHttp.request("POST", "/a", "for a"));
      c.send(RawHttp.request("POST", "/b", "for b"));
      PendingRequest ra = awaitRequest(a.queue(), 1);
      PendingRequest rb = awaitRequest(b.queue(), 1);
      assertThat(new String(ra.data().body(), StandardCharsets.UTF_8)).isEqualTo("for a");
      assertThat(new String(rb.data().body(), StandardCharsets.UTF_8)).isEqualTo("for b");
      b.queue().answer(1, HttpReply.json("\"b\""));
      a.queue().answer(1, HttpReply.json("\"a\""));
      assertThat(c.read().body()).isEqualTo("\"a\"");
      assertThat(c.read().body()).isEqualTo("\"b\"");
    }
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> register(port, "/a", 10, 30_000, 1024)))
        .hasMessageContaining("Path '/a'")
        .hasMessageContaining(String.valueOf(port));
    ServingServers.unregister(a.token(), "done");
    assertThat(ServingServers.ports()).contains(port);
    ServingServers.unregister(b.token(), "done");
    assertThat(ServingServers.ports()).doesNotContain(port);
    // Released: a new query binds the same port again.
    ServingServers.Registration again = register(port, "/a", 10, 30_000, 1024);
    assertThat(again.port()).isEqualTo(port);
  }

  @Test
  void keepAliveAndPipelinedRequestsAreAnsweredInOrder() throws Exception {
    ServingServers.Registration reg = register("/p");
    try (RawHttp c = new RawHttp(reg.port())) {
      c.send(
          RawHttp.request("POST", "/p", "one")
              + RawHttp.request("POST", "/p", "two")
              + RawHttp.request("POST", "/p", "three"));
      awaitRequest(reg.queue(), 3);
      for (long seq = 3; seq >= 1; seq--) {
        PendingRequest r = reg.queue().read(seq - 1, seq).get(0);
        reg.queue()
            .answer(
                seq,
                HttpReply.json("\"" + new String(r.data().body(), StandardCharsets.UTF_8) + "\""));
      }
      assertThat(c.read().body()).isEqualTo("\"one\"");
      assertThat(c.read().body()).isEqualTo("\"two\"");
      assertThat(c.read().body()).isEqualTo("\"three\"");
      // Same connection, next request.
      c.send(RawHttp.request("POST", "/p", "four"));
      awaitRequest(reg.queue(), 4);
      reg.queue().answer(4, HttpReply.json("4"));
      assertThat(c.read().body()).isEqualTo("4");
    }
  }

  @Test
  void malformedAndStalledClientsDoNotDisturbOthers() throws Exception {
    ServingServers.Registration reg = register("/m");
    try (RawHttp bad = new RawHttp(reg.port());
        RawHttp stalled = new RawHttp(reg.port());
        RawHttp good = new RawHttp(reg.port())) {
      stalled.send("POST /m HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"half\":");
      bad.send("THIS IS NOT HTTP\r\n\r\n");
      RawHttp.Response r = bad.read();
      assertThat(r == null || r.status() == 400).isTrue();
      good.send(RawHttp.request("POST", "/m", "fine"));
      PendingRequest p = awaitRequest(reg.queue(), 1);
      assertThat(new String(p.data().body(), StandardCharsets.UTF_8)).isEqualTo("fine");
      reg.queue().answer(1, HttpReply.json("\"ok\""));
      assertThat(good.read().status()).isEqualTo(200);
    }
  }

  @Test
  void healthIsOpenAndInternalEndpointsNeedTheSecret() throws Exception {
    ServingServers.Registration reg = register("/h");
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + reg.port() + HttpServerOptions.INTERNAL_PREFIX;
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    URI fetch = URI.create(base + "requests?queue=" + reg.token() + "&from=0&to=5");
    assertThat(
            http.send(HttpRequest.newBuilder(fetch).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(403);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(fetch)
                        .header(HttpServerOptions.SECRET_HEADER, "wrong-secret-0000000")
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(403);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(base + "servers")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(403);
    try (RawHttp c = new RawHttp(reg.port())) {
      c.send(RawHttp.request("POST", "/h?x=1", "payload", "X-Test: yes"));
      awaitRequest(reg.queue(), 1);
      List<InternalWireFormat.WireRequest> got =
          new InternalClient("127.0.0.1:" + reg.port(), SECRET).fetch(reg.token(), 0, 5);
      assertThat(got).hasSize(1);
      assertThat(got.get(0).data().query()).isEqualTo("x=1");
      assertThat(got.get(0).data().headers()).containsEntry("x-test", "yes");
      // A reply forwarded from another JVM reaches the client.
      new InternalClient("127.0.0.1:" + reg.port(), SECRET)
          .forward(
              InternalWireFormat.encodeReplies(
                  List.of(
                      new InternalWireFormat.WireReply(
                          reg.token(),
                          1,
                          new HttpReply(
                              201, Map.of("x-r", "1"), "made".getBytes(StandardCharsets.UTF_8))))))
          .get();
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(201);
      assertThat(r.body()).isEqualTo("made");
      assertThat(r.headers()).containsEntry("x-r", "1");
    }
  }
}
