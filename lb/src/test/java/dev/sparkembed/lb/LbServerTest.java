package dev.sparkembed.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkembed.lb.RawHttpClient.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The balancer over real sockets, in front of small real backends on 127.0.0.1 ephemeral ports:
 * spreading, pooling, pipelining, failover, health, registration, discovery and limits.
 */
class LbServerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ExecutorService clients = Executors.newCachedThreadPool();

  @AfterEach
  void tearDown() throws Exception {
    clients.shutdownNow();
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private TestBackend backend(String name) {
    TestBackend backend = TestBackend.start(name);
    toClose.add(backend);
    return backend;
  }

  private LbServer lb(Map<String, String> options, TestBackend... backends) throws Exception {
    LbOptions.Builder builder =
        LbOptions.builder()
            .set(LbOptions.PORT, "0")
            .set(LbOptions.HEALTH_INTERVAL, "100ms")
            .set(LbOptions.HEALTH_TIMEOUT, "1s")
            .set(LbOptions.THREADS, "2")
            .withBackendSource();
    options.forEach(builder::set);
    for (TestBackend b : backends) {
      builder.addBackend(b.address());
    }
    LbServer server = LbServer.start(builder.build());
    toClose.add(server);
    return server;
  }

  private static String backendOf(Response response) {
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.header("X-Backend");
  }

  private static JsonNode json(String body) throws Exception {
    return LbErrors.JSON.readTree(body);
  }

  private static JsonNode backendEntry(LbServer lb, TestBackend backend) throws Exception {
    for (JsonNode node :
        json(RawHttpClient.get(lb.port(), "/_lb/backends").body()).get("backends")) {
      if (node.get("address").asText().equals(backend.address())) {
        return node;
      }
    }
    return null;
  }

  @Test
  void spreadsRequestsEvenlyOverBackends() throws Exception {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    TestBackend c = backend("c");
    LbServer lb = lb(Map.of(), a, b, c);

    for (int i = 0; i < 30; i++) {
      backendOf(RawHttpClient.get(lb.port(), "/echo?i=" + i));
    }

    // Requests one at a time tie on zero outstanding, and ties go round robin.
    assertThat(List.of(a.requests.get(), b.requests.get(), c.requests.get()))
        .containsExactly(10, 10, 10);
  }

  @Test
  void keepAliveClientIsBalancedPerRequestOverPooledConnections() throws Exception {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    TestBackend c = backend("c");
    LbServer lb = lb(Map.of(), a, b, c);

    Set<String> seen = new HashSet<>();
    try (RawHttpClient client = new RawHttpClient(lb.port())) {
      for (int i = 0; i < 12; i++) {
        client.send(RawHttpClient.get("/echo?i=" + i));
        Response response = client.read();
        seen.add(backendOf(response));
        assertThat(response.header("Connection")).isNull();
      }
    }

    assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
    // Four requests each, over one reused keep-alive connection per backend.
    for (TestBackend backend : List.of(a, b, c)) {
      assertThat(backend.requests.get()).isEqualTo(4);
      assertThat(backend.servingConnections).hasSize(1);
    }
  }

  @Test
  void concurrentKeepAliveClientsAllGetTheirOwnReplies() throws Exception {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    LbServer lb = lb(Map.of(), a, b);

    List<CompletableFuture<Integer>> runs = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      int clientId = c;
      runs.add(
          CompletableFuture.supplyAsync(
              () -> {
                try (RawHttpClient client = new RawHttpClient(lb.port())) {
                  for (int i = 0; i < 50; i++) {
                    String body = "client-" + clientId + "-request-" + i;
                    client.send(
                        RawHttpClient.request("POST", "/echo?c=" + clientId + "&i=" + i, "", body));
                    Response response = client.read();
                    JsonNode echoed = json(response.body());
                    assertThat(echoed.get("uri").asText())
                        .isEqualTo("/echo?c=" + clientId + "&i=" + i);
                    assertThat(echoed.get("bodyLength").asInt()).isEqualTo(body.length());
                  }
                  return 50;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              clients));
    }
    assertThat(runs.stream().mapToInt(CompletableFuture::join).sum()).isEqualTo(400);
    assertThat(a.requests.get() + b.requests.get()).isEqualTo(400);
    assertThat(a.requests.get()).isGreaterThan(100);
    assertThat(b.requests.get()).isGreaterThan(100);
    await()
        .atMost(WAIT)
        .until(() -> lb.backends().backends().stream().allMatch(x -> x.outstanding() == 0));
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    LbServer lb = lb(Map.of(), a, b);

    StringBuilder batch = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      // Earlier requests take longer, so any reordering would show.
      batch.append(RawHttpClient.get("/delay?ms=" + (6 - i) * 15 + "&i=" + i));
    }
    try (RawHttpClient client = new RawHttpClient(lb.port())) {
      client.send(batch.toString());
      for (int i = 0; i < 6; i++) {
        Response response = client.read();
        backendOf(response);
        assertThat(json(response.body()).get("uri").asText()).endsWith("&i=" + i);
      }
    }
    assertThat(a.requests.get()).isEqualTo(3);
    assertThat(b.requests.get()).isEqualTo(3);
  }

  @Test
  void stoppedBackendFailsItsInFlightRequestsWith502AndComesBackLater() throws Exception {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    LbServer lb = lb(Map.of(), a, b);

    List<RawHttpClient> held = new ArrayList<>();
    List<CompletableFuture<Response>> replies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      RawHttpClient client = new RawHttpClient(lb.port());
      toClose.add(client);
      held.add(client);
      client.send(RawHttpClient.get("/hold"));
      replies.add(CompletableFuture.supplyAsync(client::read, clients));
    }
    // Least outstanding: two held requests on each backend.
    await().atMost(WAIT).until(() -> a.held() == 2 && b.held() == 2);

    a.stop();

    await()
        .atMost(WAIT)
        .until(() -> replies.stream().filter(CompletableFuture::isDone).count() == 2);
    for (CompletableFuture<Response> reply : replies) {
      if (reply.isDone()) {
        Response response = reply.get();
        assertThat(response.status()).isEqualTo(502);
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(json(response.body()).at("/error/message").asText())
            .isEqualTo(
                "Backend " + a.address() + " closed the connection before it answered the request");
      }
    }
    b.releaseHeld();
    for (CompletableFuture<Response> reply : replies) {
      assertThat(reply.get().status()).isIn(200, 502);
    }
    assertThat(replies.stream().filter(r -> r.join().status() == 200).map(r -> backendOf(r.join())))
        .containsExactly("b", "b");
    assertThat(backendEntry(lb, a).get("state").asText()).isEqualTo("down");

    // Later requests go to the live backend only.
    for (int i = 0; i < 6; i++) {
      assertThat(backendOf(RawHttpClient.get(lb.port(), "/echo"))).isEqualTo("b");
    }

    a.restart();
    await().atMost(WAIT).until(() -> backendEntry(lb, a).get("state").asText().equals("up"));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      seen.add(backendOf(RawHttpClient.get(lb.port(), "/echo")));
    }
    assertThat(seen).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void refusedBackendIsSkippedAndMarkedDown() throws Exception {
    TestBackend live = backend("live");
    TestBackend dead = backend("dead");
    dead.stop();
    LbServer lb =
        lb(Map.of(LbOptions.HEALTH_INTERVAL, "1h"), dead, live); // no health check interferes

    for (int i = 0; i < 6; i++) {
      assertThat(backendOf(RawHttpClient.get(lb.port(), "/echo"))).isEqualTo("live");
    }
    JsonNode entry = backendEntry(lb, dead);
    assertThat(entry.get("state").asText()).isEqualTo("down");
    assertThat(entry.get("lastError").asText()).startsWith("connection failed");
  }

  @Test
  void unhealthyBackendIsTakenOutAndPutBack() throws Exception {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    LbServer lb = lb(Map.of(), a, b);

    a.healthy = false;
    await().atMost(WAIT).until(() -> backendEntry(lb, a).get("state").asText().equals("down"));
    for (int i = 0; i < 4; i++) {
      assertThat(backendOf(RawHttpClient.get(lb.port(), "/echo"))).isEqualTo("b");
    }
    a.healthy = true;
    await().atMost(WAIT).until(() -> backendEntry(lb, a).get("state").asText().equals("up"));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      seen.add(backendOf(RawHttpClient.get(lb.port(), "/echo")));
    }
    assertThat(seen).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void registrationRequiresTheSecret() throws Exception {
    TestBackend a = backend("a");
    LbServer lb = lb(Map.of(LbOptions.SECRET, "s3cret"));
    String body = "{\"host\":\"127.0.0.1\",\"port\":" + a.port() + ",\"executorId\":\"7\"}";

    Response noSecret = RawHttpClient.call(lb.port(), "POST", "/_lb/register", "", body);
    assertThat(noSecret.status()).isEqualTo(403);
    assertThat(json(noSecret.body()).at("/error/message").asText())
        .isEqualTo("Missing or wrong X-Spark-Embed-Secret header");
    Response wrong =
        RawHttpClient.call(
            lb.port(), "POST", "/_lb/register", "X-Spark-Embed-Secret: nope\r\n", body);
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(RawHttpClient.get(lb.port(), "/echo").status()).isEqualTo(503);

    String secret = "X-Spark-Embed-Secret: s3cret\r\n";
    Response ok = RawHttpClient.call(lb.port(), "POST", "/_lb/register", secret, body);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(json(ok.body()).get("registered").asText()).isEqualTo(a.address());
    assertThat(backendOf(RawHttpClient.get(lb.port(), "/echo"))).isEqualTo("a");
    JsonNode entry = backendEntry(lb, a);
    assertThat(entry.get("executorId").asText()).isEqualTo("7");
    assertThat(entry.get("sources").toString()).isEqualTo("[\"registered\"]");

    Response bad =
        RawHttpClient.call(
            lb.port(), "POST", "/_lb/register", secret, "{\"host\":\"127.0.0.1\",\"port\":70000}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(json(bad.body()).at("/error/message").asText())
        .isEqualTo("Invalid field 'port': 70000 (expected 1-65535)");

    Response gone = RawHttpClient.call(lb.port(), "POST", "/_lb/deregister", secret, body);
    assertThat(json(gone.body()).get("removed").asBoolean()).isTrue();
    assertThat(RawHttpClient.get(lb.port(), "/echo").status()).isEqualTo(503);
  }

  @Test
  void discoversBackendsFromTheDriversServerList() throws Exception {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    TestBackend driver = backend("driver");
    driver.serversJson =
        "{\"servers\":[{\"host\":\"127.0.0.1\",\"port\":"
            + a.port()
            + ",\"executorId\":\"1\"},{\"host\":\"127.0.0.1\",\"port\":"
            + b.port()
            + ",\"executorId\":\"2\"}]}";
    // The driver's list is an internal endpoint: it answers only with the query's secret.
    driver.listSecret = "query-secret";
    LbServer lb =
        lb(
            Map.of(
                LbOptions.DISCOVER,
                "http://127.0.0.1:" + driver.port() + "/_spark-embed/servers",
                LbOptions.DISCOVER_INTERVAL,
                "100ms",
                LbOptions.SECRET,
                "query-secret"));

    await().atMost(WAIT).until(() -> lb.backends().size() == 2);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      seen.add(backendOf(RawHttpClient.get(lb.port(), "/echo")));
    }
    assertThat(seen).containsExactlyInAnyOrder("a", "b");

    // The executor with id 1 went away: the driver stops publishing it.
    driver.serversJson =
        "{\"servers\":[{\"host\":\"127.0.0.1\",\"port\":" + b.port() + ",\"executorId\":\"2\"}]}";
    await().atMost(WAIT).until(() -> lb.backends().size() == 1);
    for (int i = 0; i < 4; i++) {
      assertThat(backendOf(RawHttpClient.get(lb.port(), "/echo"))).isEqualTo("b");
    }

    // A broken list keeps the last good one.
    driver.serversJson = "{\"nope\":1}";
    int polls = driver.listRequests.get();
    await().atMost(WAIT).until(() -> driver.listRequests.get() >= polls + 2);
    assertThat(lb.backends().size()).isEqualTo(1);
  }

  @Test
  void noBackendGets503WithRetryAfterAndKeepsTheConnection() throws Exception {
    LbServer lb = lb(Map.of(LbOptions.SECRET, "s"));
    try (RawHttpClient client = new RawHttpClient(lb.port())) {
      for (int i = 0; i < 2; i++) {
        client.send(RawHttpClient.get("/v1/embeddings"));
        Response response = client.read();
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("Retry-After")).isEqualTo("1");
        JsonNode error = json(response.body()).get("error");
        assertThat(error.get("message").asText())
            .isEqualTo("No backend is registered with the load balancer");
        assertThat(error.get("code").asInt()).isEqualTo(503);
      }
    }
  }

  @Test
  void a413ReachesClientsThatSendTheWholeBodyBeforeReading() throws Exception {
    TestBackend a = backend("a");
    LbServer lb = lb(Map.of(LbOptions.MAX_BODY, "64k"), a);
    byte[] body = new byte[4 << 20];
    java.util.Arrays.fill(body, (byte) 'x');
    for (int i = 0; i < 10; i++) {
      // Python's http.client: the whole request, then read (before: a reset, no 413).
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", lb.port())) {
        s.setSoTimeout(30_000);
        s.getOutputStream()
            .write(
                ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        s.getOutputStream().write(body);
        String status =
            new java.io.BufferedReader(
                    new java.io.InputStreamReader(
                        s.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
                .readLine();
        assertThat(status).as("try " + i).startsWith("HTTP/1.1 413");
      }
    }
    assertThat(a.requests.get()).isZero();
  }

  @Test
  void streamsChunkedResponsesAndEnforcesTheBodyLimit() throws Exception {
    TestBackend a = backend("a");
    LbServer lb = lb(Map.of(LbOptions.MAX_BODY, "64k"), a);

    Response chunked = RawHttpClient.get(lb.port(), "/chunked");
    assertThat(chunked.status()).isEqualTo(200);
    assertThat(chunked.header("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(chunked.body()).isEqualTo("part0-part1-part2-");

    String big = "x".repeat(60_000);
    Response echoed = RawHttpClient.call(lb.port(), "POST", "/echo", "", big);
    assertThat(json(echoed.body()).get("bodyLength").asInt()).isEqualTo(60_000);
    assertThat(json(echoed.body()).get("xff").asText()).isEqualTo("127.0.0.1");

    try (RawHttpClient client = new RawHttpClient(lb.port())) {
      client.send(RawHttpClient.request("POST", "/echo", "", "x".repeat(70_000)));
      Response tooLarge = client.read();
      assertThat(tooLarge.status()).isEqualTo(413);
      assertThat(json(tooLarge.body()).at("/error/message").asText())
          .isEqualTo("Request body is larger than the load balancer's limit of 65536 bytes");
      assertThat(client.closedByServer()).isTrue();
    }
    assertThat(a.requests.get()).isEqualTo(2);
  }

  @Test
  void slowBackendGets504() throws Exception {
    TestBackend a = backend("a");
    LbServer lb = lb(Map.of(LbOptions.RESPONSE_TIMEOUT, "200ms"), a);

    Response response = RawHttpClient.get(lb.port(), "/hold");
    assertThat(response.status()).isEqualTo(504);
    assertThat(json(response.body()).at("/error/message").asText())
        .isEqualTo("Backend " + a.address() + " did not answer within 200 ms");
    assertThat(backendEntry(lb, a).get("outstanding").asInt()).isZero();
  }

  @Test
  void metricsCountRequestsByBackendAndStatus() throws Exception {
    TestBackend a = backend("a");
    LbServer lb = lb(Map.of(), a);
    for (int i = 0; i < 3; i++) {
      backendOf(RawHttpClient.get(lb.port(), "/echo"));
    }

    Response metrics = RawHttpClient.get(lb.port(), "/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.header("Content-Type")).startsWith("text/plain; version=0.0.4");
    assertThat(metrics.body())
        .contains(
            "spark_embed_lb_requests_total{backend=\"" + a.address() + "\",status=\"200\"} 3\n")
        .contains("spark_embed_lb_backend_up{backend=\"" + a.address() + "\"} 1\n")
        .contains("spark_embed_lb_backends 1\n");
    Response health = RawHttpClient.get(lb.port(), "/_lb/health");
    assertThat(json(health.body()).get("status").asText()).isEqualTo("ok");
  }
}
