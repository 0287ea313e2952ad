package dev.sparkembed.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, probing and stopping real child JVMs (the test echo server's main). */
class ChildProcessTest {
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private static ChildJvm echoJvm(int port, Path logs, String mode) {
    return ChildJvm.likeThisJvm("test-echo", TestEchoServer.class.getName())
        .addArgs(String.valueOf(port), mode)
        .logTo(logs.resolve("echo-" + port));
  }

  private static java.net.URI url(int port) {
    return java.net.URI.create("http://127.0.0.1:" + port + "/echo");
  }

  @Test
  void startsLikeThisJvmWaitsForTheFirstReplyAndStopsWithSigterm(@TempDir Path logs)
      throws Exception {
    int port = FreePorts.pick();
    ChildJvm jvm = echoJvm(port, logs, "serve");
    assertThat(jvm.command())
        .startsWith(ChildJvm.currentJavaBinary())
        .contains("-cp", ChildJvm.absoluteClasspath(System.getProperty("java.class.path")))
        .endsWith(TestEchoServer.class.getName(), String.valueOf(port), "serve");

    ChildProcess child = jvm.start();
    try {
      long startupMs =
          new FirstReplyProbe(url(port), ServingBenchmark.PROBE, STARTUP).awaitFirstReply(child);
      assertThat(startupMs).isPositive();
      assertThat(Files.readString(child.stdout())).contains("listening on " + port);
    } finally {
      int code = child.stop(Duration.ofSeconds(20));
      assertThat(code).isEqualTo(143); // 128 + SIGTERM
    }
    assertThat(child.isAlive()).isFalse();
  }

  @Test
  void killsAChildThatIgnoresSigterm(@TempDir Path logs) throws Exception {
    int port = FreePorts.pick();
    ChildProcess child = echoJvm(port, logs, "ignore-sigterm").start();
    new FirstReplyProbe(url(port), ServingBenchmark.PROBE, STARTUP).awaitFirstReply(child);

    int code = child.stop(Duration.ofMillis(500));

    assertThat(code).isEqualTo(137); // 128 + SIGKILL
    assertThat(child.isAlive()).isFalse();
  }

  @Test
  void runsTheGracefulStopFirst(@TempDir Path logs) throws Exception {
    int port = FreePorts.pick();
    Path stopFile = logs.resolve("echo.stop");
    ChildProcess child =
        echoJvm(port, logs, "stop-file=" + stopFile).gracefulStop(() -> write(stopFile)).start();
    new FirstReplyProbe(url(port), ServingBenchmark.PROBE, STARTUP).awaitFirstReply(child);

    assertThat(child.stop(Duration.ofSeconds(20))).isZero();
  }

  @Test
  void aChildThatExitsEarlyFailsTheProbeWithItsLog(@TempDir Path logs) throws Exception {
    int port = FreePorts.pick();
    ChildProcess child = echoJvm(port, logs, "exit=3").start();

    assertThatThrownBy(
            () ->
                new FirstReplyProbe(url(port), ServingBenchmark.PROBE, STARTUP)
                    .awaitFirstReply(child))
        .isInstanceOf(ServiceStartException.class)
        .hasMessageContaining("test-echo did not start: exited with code 3")
        .hasMessageContaining("exiting on purpose");
    child.stop(Duration.ofSeconds(1));
  }

  @Test
  void aChildThatNeverAnswersFailsTheProbeAtItsDeadline(@TempDir Path logs) throws Exception {
    int port = FreePorts.pick();
    ChildProcess child = echoJvm(port, logs, "idle").start();
    try {
      assertThatThrownBy(
              () ->
                  new FirstReplyProbe(url(port), ServingBenchmark.PROBE, Duration.ofSeconds(2))
                      .awaitFirstReply(child))
          .isInstanceOf(ServiceStartException.class)
          .hasMessageContaining("no correct reply from " + url(port) + " within 2s")
          .hasMessageContaining("expected {\"length\":19}");
    } finally {
      child.stop(Duration.ofSeconds(10));
    }
  }

  @Test
  void dropsDebuggerAgentsFromInheritedOptions() {
    assertThat(
            ChildJvm.inheritableOptions(
                List.of(
                    "-Xmx1g",
                    "-agentlib:jdwp=transport=dt_socket,server=y,address=5005",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED")))
        .containsExactly("-Xmx1g", "--add-opens=java.base/java.nio=ALL-UNNAMED");
  }

  private static void write(Path file) {
    try {
      Files.writeString(file, "stop");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
