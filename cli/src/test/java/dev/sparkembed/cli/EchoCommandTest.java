package dev.sparkembed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code spark-embed example echo}: its flags, and the job it starts, over real HTTP. */
class EchoCommandTest {
  @TempDir Path dir;

  @Test
  void echoAnswersTheLengthOfTheText() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CommandLine cli = SparkEmbed.commandLine();
    CommandLine.ParseResult parsed =
        cli.parseArgs("example", "echo", "--port", String.valueOf(port), "--master", "local[2]");
    EchoCommand echo = (EchoCommand) parsed.subcommand().subcommand().commandSpec().userObject();
    assertThat(echo.path).isEqualTo("/echo");
    assertThat(echo.mode).isEqualTo(EchoCommand.Mode.head);
    assertThat(echo.trigger).isEqualTo(EchoCommand.TriggerKind.MICRO_BATCH);
    SparkSession spark = EchoCommand.session("local[2]");
    StreamingQuery query = echo.start(spark, dir.resolve("cp"));
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"naïve ☃\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"length\":7}");
    } finally {
      query.stop();
      spark.stop();
    }
  }

  @Test
  void badFlagsAreRejectedWithTheValue() {
    StringWriter err = new StringWriter();
    CommandLine cli = SparkEmbed.commandLine().setErr(new PrintWriter(err));
    int code = cli.execute("example", "echo", "--port", "1", "--trigger", "sometimes");
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("sometimes").contains("micro-batch or continuous");
    err.getBuffer().setLength(0);
    code = cli.execute("example", "echo", "--port", "1", "--mode", "everywhere");
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("everywhere");
  }
}
