package dev.sparkembed.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generator against a real HTTP server on 127.0.0.1, over real sockets. */
class LoadGeneratorTest {
  private static final Duration WARMUP = Duration.ofMillis(100);
  private static final Duration MEASURE = Duration.ofMillis(500);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private TestEchoServer server;

  @BeforeEach
  void startServer() throws IOException {
    server = TestEchoServer.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private LoadResult run(URI url, int connections, Duration timeout) throws InterruptedException {
    return new LoadGenerator(url, 1)
        .run(new LoadPlan(connections, WARMUP, MEASURE, timeout), new EchoWorkload());
  }

  @Test
  void countsGoodRepliesAndTheirLatencies() throws Exception {
    LoadResult result = run(server.url(), 2, TIMEOUT);

    assertThat(result.totalErrors()).isZero();
    assertThat(result.ok()).isGreaterThan(10).isLessThanOrEqualTo(server.handled.get());
    assertThat(result.seconds()).isGreaterThanOrEqualTo(0.45);
    assertThat(result.requestsPerSecond()).isEqualTo(result.ok() / result.seconds());
    assertThat(result.p50Ms()).isPositive();
    assertThat(result.p90Ms()).isGreaterThanOrEqualTo(result.p50Ms());
    assertThat(result.p99Ms()).isGreaterThanOrEqualTo(result.p90Ms());
    assertThat(result.maxMs()).isGreaterThanOrEqualTo(result.p99Ms());
    assertThat(result.errorSummary()).isEqualTo("0");
  }

  @Test
  void aReplyWithAnotherRequestsBodyIsAWrongBodyError() throws Exception {
    server.wrongEvery = 3;

    LoadResult result = run(server.url(), 1, TIMEOUT);

    long wrong = result.errorCount(ErrorKind.WRONG_BODY);
    assertThat(result.ok()).isPositive();
    assertThat(wrong).isPositive();
    // One connection: the measured replies are consecutive, so every third one is wrong.
    assertThat(Math.abs(wrong - result.replies() / 3.0)).isLessThanOrEqualTo(1.0);
    assertThat(result.errorSummary()).isEqualTo("wrong-body " + wrong);
  }

  @Test
  void aStatusOtherThan200IsAStatusErrorAndHasNoLatency() throws Exception {
    server.status = 503;

    LoadResult result = run(server.url(), 2, TIMEOUT);

    assertThat(result.ok()).isZero();
    assertThat(result.errorCount(ErrorKind.STATUS)).isPositive();
    assertThat(result.p50Ms()).isNaN();
    assertThat(result.toRow("x")[5]).isNull(); // p50 ms
  }

  @Test
  void connectionsRefusedAreCountedAsConnectErrors() throws Exception {
    URI nobody = URI.create("http://127.0.0.1:" + FreePorts.pick() + "/echo");

    LoadResult result = run(nobody, 2, TIMEOUT);

    assertThat(result.ok()).isZero();
    assertThat(result.errorCount(ErrorKind.CONNECT)).isPositive();
    assertThat(result.totalErrors()).isEqualTo(result.errorCount(ErrorKind.CONNECT));
  }

  @Test
  void aRequestWithoutReplyTimesOutAndItsConnectionIsReplaced() throws Exception {
    server.silent = true;

    LoadResult result = run(server.url(), 1, Duration.ofMillis(100));

    assertThat(result.ok()).isZero();
    assertThat(result.errorCount(ErrorKind.TIMEOUT)).isGreaterThanOrEqualTo(2);
    // A timed-out connection is closed and a new one opened for the next request.
    assertThat(server.clientPorts.size()).isGreaterThan(2);
  }

  @Test
  void aConnectionClosedWhileWaitingIsAClosedError() throws Exception {
    try (ServerSocket hangUp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> readOneRequestThenClose(hangUp), "hang-up");
      acceptor.start();
      URI url = URI.create("http://127.0.0.1:" + hangUp.getLocalPort() + "/echo");

      LoadResult result = run(url, 2, TIMEOUT);

      assertThat(result.ok()).isZero();
      assertThat(result.errorCount(ErrorKind.CLOSED)).isPositive();
    }
  }

  private static void readOneRequestThenClose(ServerSocket server) {
    while (!server.isClosed()) {
      try (Socket s = server.accept();
          InputStream in = s.getInputStream()) {
        in.read(new byte[4096]);
      } catch (IOException e) {
        // Closed at the end of the test.
      }
    }
  }

  @Test
  void theClosedLoopKeepsExactlyItsConnectionsAndOneRequestEach() throws Exception {
    // The server answers nothing until 3 requests wait at once: proves the 3 connections send
    // concurrently, and the maximum proves none sends a second request before its reply.
    server.gate = new CountDownLatch(3);

    LoadResult result = run(server.url(), 3, TIMEOUT);

    assertThat(result.totalErrors()).isZero();
    assertThat(result.ok()).isPositive();
    assertThat(server.maxInFlight.get()).isEqualTo(3);
    assertThat(server.clientPorts).hasSize(3);
  }

  @Test
  void mainPrintsATableAndWritesJson(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("load.json");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    int code =
        LoadGenerator.runMain(
            new String[] {
              "--url", server.url().toString(),
              "--connections", "1,2",
              "--warmup", "100ms",
              "--duration", "300ms",
              "--json", json.toString()
            },
            new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(code).isZero();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("| 1 conn ").contains("| 2 conn ");
    JsonNode doc = new ObjectMapper().readTree(json.toFile());
    assertThat(doc.get("rows")).hasSize(2);
    assertThat(doc.get("results").get(1).get("connections").asInt()).isEqualTo(2);
    assertThat(doc.get("results").get(1).get("errors").get("wrong-body").asLong()).isZero();
  }

  @Test
  void mainRejectsABadDurationNamingIt() {
    assertThatThrownBy(
            () ->
                LoadGenerator.runMain(
                    new String[] {"--url", server.url().toString(), "--duration", "5x"},
                    System.out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid option 'duration': 5x (expected a duration such as 500ms, 20s or 2m)");
  }

  @Test
  void rejectsATargetWithoutPort() {
    assertThatThrownBy(() -> new LoadGenerator(URI.create("http://127.0.0.1/echo"), 1))
        .hasMessageContaining("Invalid option 'url': http://127.0.0.1/echo");
  }
}
