package dev.sparkembed.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkembed.bench.TestEchoServer;
import dev.sparkembed.cli.SparkEmbed;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bench serving}'s options: bad values are rejected before any JVM starts, with a message
 * naming the option and the value. (Full runs take minutes; the README's Benchmarks section and the
 * bench module's ServingBenchmarkTest cover the measuring itself.)
 */
class BenchServingCommandTest {

  private record Run(int code, String err) {}

  private static Run run(String... args) {
    CommandLine cli = BenchCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    String[] all = new String[args.length + 1];
    all[0] = "serving";
    System.arraycopy(args, 0, all, 1, args.length);
    return new Run(cli.execute(all), err.toString());
  }

  @Test
  void measuresRunningServicesAtTheirUrlsAgainstEachOther(@TempDir Path dir) throws Exception {
    try (TestEchoServer distributed = TestEchoServer.start();
        TestEchoServer head = TestEchoServer.start()) {
      Path json = dir.resolve("report.json");
      Run r =
          run(
              "--mode", "distributed",
              "--url", distributed.url().toString(),
              "--baseline-url", head.url().toString(),
              "--connections", "1,4",
              "--warmup", "0s",
              "--duration", "300ms",
              "--out", json.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(distributed.handled.get()).isPositive();
      assertThat(head.handled.get()).isPositive();
      JsonNode report = new ObjectMapper().readTree(json.toFile());
      assertThat(report.toString())
          .contains("vs head at " + head.url())
          .contains("\"spark-embed distributed\"")
          .contains("\"spark-embed head\"");
    }
  }

  @Test
  void aBaselineUrlNeedsAUrl() {
    Run r = run("--baseline-url", "http://127.0.0.1:1/echo");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Invalid option '--baseline-url': it needs --url");
  }

  @Test
  void rejectsAnUnknownMode() {
    Run r = run("--mode", "sideways");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Invalid option 'mode': sideways (expected head or distributed)");
  }

  @Test
  void rejectsAnUnknownTrigger() {
    Run r = run("--trigger", "sometimes");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("Invalid option 'trigger': sometimes (expected micro-batch or continuous)");
  }

  @Test
  void rejectsBadDurationsAndConnectionLists() {
    assertThat(run("--duration", "20x").err())
        .contains("Invalid option 'duration': 20x (expected a duration such as 500ms, 20s or 2m)");
    assertThat(run("--duration", "0s").err())
        .contains("Invalid option 'duration': 0s (expected more than zero)");
    assertThat(run("--connections", "1,0").err())
        .contains("Invalid option 'connections': 1,0 (expected comma-separated connection counts");
  }

  @Test
  void rejectsAnUnknownBaseline() {
    Run r = run("--compare", "wrk");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Invalid option 'compare': wrk (expected synapseml or none)");
  }

  @Test
  void anExplicitSynapseMlComparisonNeedsTheHarness(@TempDir Path empty) {
    Run r = run("--compare", "synapseml", "--peer-dir", empty.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "SynapseML peer unavailable: no harness (pom.xml, src/, jvm-opts.sh) (" + empty + ")");
  }

  @Test
  void startsTheEchoExampleWithTheServingArguments() {
    EchoServiceUnderTest echo = new EchoServiceUnderTest("distributed", "continuous");
    assertThat(echo.childJvm(9000, Path.of("logs")).command())
        .containsSubsequence(
            SparkEmbed.class.getName(),
            "example",
            "echo",
            "--port",
            "9000",
            "--host",
            "127.0.0.1",
            "--path",
            "/echo",
            "--mode",
            "distributed",
            "--trigger",
            "continuous");
    assertThat(echo.url(9000).toString()).isEqualTo("http://127.0.0.1:9000/echo");
  }
}
