package dev.sparkembed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sparkembed.lb.BackendAddress;
import dev.sparkembed.lb.LbOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code spark-embed lb}: option mapping, errors, and a real start answering over HTTP. */
class LbCommandTest {

  private static LbOptions parse(String... args) {
    CommandLine.ParseResult result = SparkEmbed.commandLine().parseArgs(args);
    LbCommand command = result.subcommand().commandSpec().commandLine().getCommand();
    return command.options();
  }

  @Test
  void mapsEveryOptionOntoLbOptions() {
    LbOptions options =
        parse(
            "lb",
            "--port",
            "9090",
            "--host",
            "0.0.0.0",
            "--backend",
            "10.0.0.5:8889",
            "--backend",
            "10.0.0.6:8889,10.0.0.7:8889",
            "--discover",
            "http://driver:4050/_spark-embed/servers",
            "--secret",
            "s",
            "--health-interval",
            "500ms",
            "--max-body",
            "1m");
    assertThat(options.port()).isEqualTo(9090);
    assertThat(options.host()).isEqualTo("0.0.0.0");
    assertThat(options.backends())
        .containsExactly(
            new BackendAddress("10.0.0.5", 8889),
            new BackendAddress("10.0.0.6", 8889),
            new BackendAddress("10.0.0.7", 8889));
    assertThat(options.discover()).isPresent();
    assertThat(options.secret()).contains("s");
    assertThat(options.healthInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.maxBodyBytes()).isEqualTo(1 << 20);
  }

  @Test
  void badOptionExitsWithTheMessage() {
    StringWriter err = new StringWriter();
    CommandLine cli = SparkEmbed.commandLine();
    cli.setErr(new PrintWriter(err));

    int exit = cli.execute("lb", "--port", "-1", "--backend", "127.0.0.1:8889");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "spark-embed lb: Invalid option 'port': -1 (expected 0-65535, 0 = any free port)");
  }

  @Test
  void startsAndAnswersUntilInterrupted() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cli = SparkEmbed.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter()));
    AtomicInteger exit = new AtomicInteger(-1);
    Thread runner =
        new Thread(
            () -> exit.set(cli.execute("lb", "--port", "0", "--secret", "s", "--threads", "1")),
            "lb-command");
    runner.start();
    try {
      Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
      await().atMost(Duration.ofSeconds(20)).until(() -> listening.matcher(out.toString()).find());
      Matcher m = listening.matcher(out.toString());
      assertThat(m.find()).isTrue();
      HttpResponse<String> health =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .build()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + m.group(1) + "/_lb/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"status\":\"ok\",\"backends\":0,\"up\":0}");
    } finally {
      runner.interrupt();
      runner.join(20_000);
    }
    assertThat(runner.isAlive()).isFalse();
  }
}
