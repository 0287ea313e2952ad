package dev.sparkembed.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole serving comparison on child JVMs of the test echo server, with short phases. */
class ServingBenchmarkTest {

  private static ServingBenchmark.Settings settings(List<Integer> connections) {
    return new ServingBenchmark.Settings(
        connections,
        Duration.ofMillis(200),
        Duration.ofMillis(100),
        Duration.ofMillis(400),
        Duration.ofSeconds(5),
        Duration.ofSeconds(60),
        Duration.ofSeconds(20),
        1);
  }

  /** The test echo server as a service; {@code mode} is its main's second argument. */
  private static ServiceUnderTest echo(String name, String mode) {
    return new ServiceUnderTest() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String config() {
        return mode;
      }

      @Override
      public ChildJvm childJvm(int port, Path logDir) {
        return ChildJvm.likeThisJvm(name, TestEchoServer.class.getName())
            .addArgs(String.valueOf(port), mode)
            .logTo(logDir.resolve(name));
      }

      @Override
      public URI url(int port) {
        return URI.create("http://127.0.0.1:" + port + "/echo");
      }
    };
  }

  @Test
  void measuresBothSystemsAndReportsRatios(@TempDir Path logs) throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    ServingBenchmark bench =
        new ServingBenchmark(
            settings(List.of(1, 2)), logs, new PrintStream(progress, true, StandardCharsets.UTF_8));

    ServiceMeasurement ours = bench.measure(echo("ours", "serve"));
    ServiceMeasurement theirs = bench.measure(echo("theirs", "serve"));

    for (ServiceMeasurement m : List.of(ours, theirs)) {
      assertThat(m.failed()).as(m.failure()).isFalse();
      assertThat(m.startupMs()).isPositive();
      assertThat(m.phases()).extracting(LoadResult::connections).containsExactly(1, 2);
      assertThat(m.phases()).allSatisfy(p -> assertThat(p.ok()).isPositive());
    }
    assertThat(progress.toString(StandardCharsets.UTF_8))
        .contains("[bench] ours (serve): starting on http://127.0.0.1:")
        .contains("[bench] theirs: stopping");

    BenchReport report = ServingReport.build("serving: test", List.of(1, 2), ours, theirs);
    assertThat(report.rows()).hasSize(4);
    Map<String, Object> ourRow = report.rows().get(0);
    assertThat(ourRow.get("system")).isEqualTo("ours");
    assertThat((Double) ourRow.get(ServingReport.REQS_RATIO))
        .isEqualTo(ours.phase(1).requestsPerSecond() / theirs.phase(1).repliesPerSecond());
    assertThat((Double) ourRow.get(ServingReport.P50_RATIO))
        .isEqualTo(theirs.phase(1).p50Ms() / ours.phase(1).p50Ms());
    assertThat(report.rows().get(1).get(ServingReport.REQS_RATIO)).isNull();
    assertThat(report.notes()).anyMatch(n -> n.startsWith("Startup to first correct reply: ours "));
  }

  @Test
  void aServiceThatDoesNotStartIsReportedNotThrown(@TempDir Path logs) throws Exception {
    ServingBenchmark bench =
        new ServingBenchmark(
            settings(List.of(1)), logs, new PrintStream(new ByteArrayOutputStream()));

    ServiceMeasurement broken = bench.measure(echo("broken", "exit=2"));

    assertThat(broken.failed()).isTrue();
    assertThat(broken.failure()).contains("broken did not start: exited with code 2");
    assertThat(broken.startupMs()).isNull();
    BenchReport report = ServingReport.build("serving: test", List.of(1), broken, null);
    assertThat(report.rows()).hasSize(1);
    assertThat(report.rows().get(0).get("errors")).isEqualTo("not measured");
    assertThat(report.notes()).anyMatch(n -> n.startsWith("broken not fully measured: "));
  }

  @Test
  void wrongBodiesOfTheBaselineAreCalledOut() {
    LoadResult clean = new LoadResult(1, 1.0, 100, Map.of(), 1.0, 2.0, 3.0, 4.0, 1.5);
    LoadResult crossTalk =
        new LoadResult(1, 1.0, 10, Map.of(ErrorKind.WRONG_BODY, 90L), 10.0, 20.0, 30.0, 40.0, 15.0);
    ServiceMeasurement ours = new ServiceMeasurement("ours", "head", 1000L, List.of(clean), null);
    ServiceMeasurement theirs =
        new ServiceMeasurement("theirs", "head", 2000L, List.of(crossTalk), null);

    BenchReport report = ServingReport.build("serving: test", List.of(1), ours, theirs);

    // Theirs: 10 good replies/s but 100 replies/s; the ratio credits them with all 100.
    assertThat(report.rows().get(0).get(ServingReport.REQS_RATIO)).isEqualTo(1.0);
    assertThat(report.rows().get(1).get("req/s")).isEqualTo(10.0);
    assertThat(report.rows().get(1).get("replies/s")).isEqualTo(100.0);
    assertThat(report.rows().get(0).get(ServingReport.P50_RATIO)).isEqualTo(10.0);
    assertThat(report.rows().get(1).get("errors")).isEqualTo("wrong-body 90");
    assertThat(report.notes())
        .contains("theirs answered 90 requests with another request's reply (wrong-body errors).")
        .contains("Startup to first correct reply: ours 1,000 ms; theirs 2,000 ms.");
  }
}
