package dev.sparkembed.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sparkembed.lb.RawHttpClient.Response;
import dev.sparkembed.serving.server.AttachProtocol;
import dev.sparkembed.serving.server.HttpReply;
import dev.sparkembed.serving.server.LbAttachments;
import dev.sparkembed.serving.server.PendingRequest;
import dev.sparkembed.serving.server.RequestQueue;
import dev.sparkembed.serving.server.ServingServers;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Servers that dial out: real serving servers (the serving-source pipeline, their queues answered
 * by a thread standing in for Spark) attach to a real balancer's attach port over 127.0.0.1, and
 * clients reach them only through the balancer. Also raw-socket peers for the handshake's refusals
 * and for a backend that dies with requests in flight.
 */
class AttachTest {

  private static final String SECRET = "attach-test-secret-0123456789";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicBoolean running = new AtomicBoolean(true);

  @AfterEach
  void tearDown() throws Exception {
    running.set(false);
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    threads.shutdownNow();
    threads.awaitTermination(10, TimeUnit.SECONDS);
  }

  private LbServer lb() throws Exception {
    return lb("20s", "2s");
  }

  private LbServer lb(String healthInterval, String healthTimeout) throws Exception {
    LbServer lb =
        LbServer.start(
            LbOptions.builder()
                .set(LbOptions.PORT, "0")
                .set(LbOptions.ATTACH_PORT, "0")
                .set(LbOptions.SECRET, SECRET)
                .set(LbOptions.HEALTH_INTERVAL, healthInterval)
                .set(LbOptions.HEALTH_TIMEOUT, healthTimeout)
                .set(LbOptions.RESPONSE_TIMEOUT, "30s")
                .set(LbOptions.THREADS, "2")
                .build());
    toClose.add(lb);
    return lb;
  }

  /** A serving server on an ephemeral port whose queue a thread answers with its name. */
  private ServingServers.Registration server(String name, LbServer lb) {
    String token = "attach-test-" + name + "-" + System.nanoTime();
    ServingServers.Registration reg =
        ServingServers.register(
            new ServingServers.Spec(
                "127.0.0.1",
                "127.0.0.1",
                0,
                1,
                List.of("/echo"),
                token,
                SECRET,
                1000,
                30_000,
                1 << 20,
                Set.of("POST"),
                true,
                null,
                1,
                null,
                null,
                30_000));
    toClose.add(() -> ServingServers.unregister(token, "test over"));
    LbAttachments.attach(reg, "127.0.0.1:" + lb.attachPort(), SECRET, name, 30_000);
    RequestQueue queue = reg.queue();
    threads.submit(
        () -> {
          while (running.get() && !queue.isClosed()) {
            PendingRequest p = queue.take(0, 100);
            if (p != null) {
              String body = new String(p.data().body(), StandardCharsets.UTF_8);
              queue.answer(
                  p.seq(), HttpReply.json("{\"from\":\"" + name + "\",\"got\":" + body + "}"));
            }
          }
          return null;
        });
    return reg;
  }

  private static String metrics(LbServer lb) {
    return RawHttpClient.get(lb.port(), "/metrics").body();
  }

  /** The value of one series in the balancer's metrics, 0 when absent. */
  private static long metric(LbServer lb, String series) {
    for (String line : metrics(lb).split("\n")) {
      if (line.startsWith(series + " ")) {
        return Long.parseLong(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  @Test
  void attachedServersAnswerThroughTheBalancerAndLeaveWhenTheyStop() throws Exception {
    LbServer lb = lb();
    ServingServers.Registration a = server("a", lb);
    ServingServers.Registration b = server("b", lb);
    await().atMost(WAIT).until(() -> lb.backends().size() == 2);
    await().atMost(WAIT).until(() -> LbAttachments.attachedConnections() >= 8);
    assertThat(lb.backends().backends())
        .allMatch(x -> lb.backends().sourcesOf(x).equals(Set.of(Backend.Source.ATTACHED)));

    List<String> from = new ArrayList<>();
    try (RawHttpClient client = new RawHttpClient(lb.port())) {
      for (int i = 0; i < 20; i++) {
        client.send(RawHttpClient.request("POST", "/echo", "", "[" + i + "]"));
        Response r = client.read();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).endsWith("\"got\":[" + i + "]}");
        from.add(r.body().substring(9, 10));
      }
    }
    assertThat(from).contains("a", "b");
    String text = metrics(lb);
    assertThat(text)
        .contains("spark_embed_lb_requests_total{backend=\"" + a.address() + "\",status=\"200\"}")
        .contains("spark_embed_lb_requests_total{backend=\"" + b.address() + "\",status=\"200\"}")
        .contains("spark_embed_lb_attach_connections 8");
    // The listing shows where the backend came from and its connections.
    String listing = RawHttpClient.get(lb.port(), "/_lb/backends").body();
    assertThat(listing).contains("\"attached\"").contains("\"attachConnections\":4");

    // A stopped query's server detaches: gone from the pool, the other one takes everything.
    ServingServers.unregister(a.token(), "the query stopped");
    await().atMost(WAIT).until(() -> lb.backends().size() == 1);
    for (int i = 0; i < 5; i++) {
      Response r = RawHttpClient.call(lb.port(), "POST", "/echo", "", "[" + i + "]");
      assertThat(r.body()).startsWith("{\"from\":\"b\"");
    }
  }

  @Test
  void aWrongSecretIsRefusedCountedAndClosedWithoutEchoingIt() throws Exception {
    LbServer lb = lb();
    String wrong = "not-the-secret-9876543210";
    try (Socket s = new Socket("127.0.0.1", lb.attachPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(AttachProtocol.handshake("lb", wrong, "127.0.0.1:1234", "x"));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 403 ").doesNotContain(wrong);
    }
    try (Socket s = new Socket("127.0.0.1", lb.attachPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write("GET /_lb/attach HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.UTF_8));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 400 ");
    }
    assertThat(metrics(lb))
        .contains("spark_embed_lb_attach_refused_total{reason=\"secret\"} 1")
        .contains("spark_embed_lb_attach_refused_total{reason=\"malformed\"} 1");
    assertThat(lb.backends().size()).isZero();
    // A server with the wrong secret never becomes a backend.
    ServingServers.Registration reg =
        ServingServers.register(
            new ServingServers.Spec(
                "127.0.0.1",
                "127.0.0.1",
                0,
                1,
                List.of("/w"),
                "attach-test-wrong",
                wrong,
                10,
                1000,
                1024,
                Set.of("POST"),
                true,
                null,
                0,
                null,
                null,
                1000));
    toClose.add(() -> ServingServers.unregister(reg.token(), "test over"));
    LbAttachments.attach(reg, "127.0.0.1:" + lb.attachPort(), wrong, "w", 1000);
    await()
        .atMost(WAIT)
        .until(() -> metric(lb, "spark_embed_lb_attach_refused_total{reason=\"secret\"}") >= 5);
    assertThat(lb.backends().size()).isZero();
  }

  @Test
  void aBackendThatDiesFailsOnlyItsInFlightRequestsFastAndTheOthersKeepServing() throws Exception {
    LbServer lb = lb();
    ServingServers.Registration healthy = server("healthy", lb);
    await().atMost(WAIT).until(() -> lb.backends().size() == 1);
    // A peer that attaches, reads requests and never answers, then dies.
    Socket doomed = new Socket("127.0.0.1", lb.attachPort());
    toClose.add(doomed);
    OutputStream out = doomed.getOutputStream();
    InputStream in = new BufferedInputStream(doomed.getInputStream());
    out.write(AttachProtocol.handshake("lb", SECRET, "127.0.0.2:7777", "doomed"));
    assertThat(head(in)).startsWith("HTTP/1.1 101 ");
    await().atMost(WAIT).until(() -> lb.backends().size() == 2);

    ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();
    List<Future<?>> clients = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      clients.add(
          threads.submit(
              () -> {
                try (RawHttpClient client = new RawHttpClient(lb.port())) {
                  for (int i = 0; i < 30 && running.get(); i++) {
                    client.send(RawHttpClient.request("POST", "/echo", "", "[" + i + "]"));
                    Response r = client.read();
                    String who = r.body().startsWith("{\"from\":\"healthy\"") ? "healthy" : "lb";
                    outcomes.add(r.status() + " " + who);
                  }
                }
                return null;
              }));
    }
    // Requests pile up at the doomed peer (it never answers); then it dies.
    BackendAddress doomedAddress = new BackendAddress("127.0.0.2", 7777);
    Backend doomedBackend = lb.backends().get(doomedAddress);
    await().atMost(WAIT).until(() -> doomedBackend.outstanding() >= 2);
    int stuck = doomedBackend.outstanding();
    doomed.close();
    for (Future<?> f : clients) {
      f.get(60, TimeUnit.SECONDS);
    }
    assertThat(outcomes).hasSize(180);
    assertThat(outcomes).allMatch(o -> o.equals("200 healthy") || o.equals("502 lb"));
    long failed = outcomes.stream().filter("502 lb"::equals).count();
    // Exactly the requests at the dead backend failed (one sent at the very moment it closed may
    // have been retried on the other), each counted under its address.
    assertThat(failed).isBetween((long) stuck, doomedBackend.requests());
    assertThat(lb.backends().size()).isEqualTo(1);
    assertThat(
            metric(lb, "spark_embed_lb_requests_total{backend=\"127.0.0.2:7777\",status=\"502\"}"))
        .isEqualTo(failed);
    assertThat(
            metric(
                lb,
                "spark_embed_lb_backend_failures_total{backend=\"127.0.0.2:7777\",reason=\"closed\"}"))
        .isEqualTo(failed);
    assertThat(
            metric(
                lb,
                "spark_embed_lb_requests_total{backend=\""
                    + healthy.address()
                    + "\",status=\"200\"}"))
        .isEqualTo(180 - failed);
  }

  @Test
  void aPeerThatStopsAnsweringIsDroppedAfterAnUnansweredHealthRequest() throws Exception {
    LbServer lb = lb("200ms", "500ms");
    try (Socket silent = new Socket("127.0.0.1", lb.attachPort())) {
      silent
          .getOutputStream()
          .write(AttachProtocol.handshake("lb", SECRET, "127.0.0.3:7777", "silent"));
      InputStream in = new BufferedInputStream(silent.getInputStream());
      assertThat(head(in)).startsWith("HTTP/1.1 101 ");
      await().atMost(WAIT).until(() -> lb.backends().size() == 1);
      // The balancer's health request arrives on the connection; it goes unanswered.
      assertThat(head(in)).startsWith("GET /_spark-embed/health HTTP/1.1");
      await().atMost(WAIT).until(() -> lb.backends().size() == 0);
      Response r = RawHttpClient.call(lb.port(), "POST", "/echo", "", "[1]");
      assertThat(r.status()).isEqualTo(503);
    }
  }

  /** Reads one response head (through the blank line). */
  private static String head(InputStream in) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int matched = 0;
    int c;
    while (matched < 4 && (c = in.read()) != -1) {
      b.write(c);
      matched = (c == '\r' || c == '\n') && "\r\n\r\n".charAt(matched) == c ? matched + 1 : 0;
    }
    return b.toString(StandardCharsets.UTF_8);
  }
}
