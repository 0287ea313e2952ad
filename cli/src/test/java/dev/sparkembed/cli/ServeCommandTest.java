package dev.sparkembed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sparkembed.embed.engine.DeviceChoice;
import dev.sparkembed.embed.engine.EngineChoice;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.embed.service.ServiceConf;
import dev.sparkembed.embed.service.ServiceLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {

  private static ServeCommand parse(String... args) {
    CommandLine cli = SparkEmbed.commandLine();
    CommandLine.ParseResult result = cli.parseArgs(prepend("serve", args));
    return (ServeCommand) result.subcommand().commandSpec().userObject();
  }

  private static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  @Test
  void noOptionsServeTheBuiltInModelOnLoopback8888() {
    ServiceConf conf = parse().conf();
    assertThat(conf.host()).isEqualTo("127.0.0.1");
    assertThat(conf.port()).isEqualTo(8888);
    assertThat(conf.master()).isEqualTo("local[*]");
    assertThat(conf.mode()).isEqualTo("head");
    assertThat(conf.continuous()).isFalse();
    assertThat(conf.model().model()).isEqualTo(ModelSpec.DEFAULT_MODEL);
    assertThat(conf.model().device()).isEqualTo(DeviceChoice.AUTO);
    assertThat(conf.tls()).isFalse();
    assertThat(conf.limits()).isEqualTo(ServiceLimits.defaults());
    assertThat(conf.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(conf.baseUrl()).isEqualTo("http://127.0.0.1:8888");
  }

  @Test
  void optionsReachTheConf(@TempDir Path dir) throws Exception {
    Path cert = Files.writeString(dir.resolve("c.pem"), "x");
    Path key = Files.writeString(dir.resolve("k.pem"), "x");
    ServiceConf conf =
        parse(
                "--host",
                "0.0.0.0",
                "--port",
                "9443",
                "--mode",
                "distributed",
                "--trigger",
                "continuous",
                "--master",
                "spark://m:7077",
                "--device",
                "cpu",
                "--api-key",
                "k1",
                "--tls-cert",
                cert.toString(),
                "--tls-key",
                key.toString(),
                "--max-texts-per-request",
                "10",
                "--max-chars-per-text",
                "100",
                "--max-body-bytes",
                "2048",
                "--request-timeout",
                "500ms",
                "--conf",
                "spark.executor.cores=4")
            .conf();
    assertThat(conf.continuous()).isTrue();
    assertThat(conf.mode()).isEqualTo("distributed");
    assertThat(conf.model().device()).isEqualTo(DeviceChoice.CPU);
    assertThat(conf.apiKeyCheck().required()).isTrue();
    assertThat(conf.limits()).isEqualTo(new ServiceLimits(10, 100, 2048));
    assertThat(conf.requestTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(conf.sparkConf()).containsEntry("spark.executor.cores", "4");
    assertThat(conf.baseUrl()).isEqualTo("https://127.0.0.1:9443");
  }

  @Test
  void engineOptionReachesTheModelSpec() {
    assertThat(parse("--engine", "pytorch", "--model", "/models/minilm-ts").conf().model().engine())
        .isEqualTo(EngineChoice.PYTORCH);
    assertThat(parse().conf().model().engine()).isEqualTo(EngineChoice.ONNX_RUNTIME);
    assertThatThrownBy(() -> parse("--engine", "tensorflow").conf())
        .hasMessageContaining("Invalid option 'engine': 'tensorflow'");
  }

  @Test
  void badOptionsNameTheOptionAndTheValue() {
    assertThatThrownBy(() -> parse("--port", "0").conf())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage("Invalid option '--port': 0 (expected 1-65535)");
    assertThatThrownBy(() -> parse("--trigger", "sometimes").conf())
        .hasMessage("Invalid option '--trigger': sometimes (expected micro-batch or continuous)");
    assertThatThrownBy(() -> parse("--mode", "everywhere").conf())
        .hasMessage("Invalid option '--mode': everywhere (expected head or distributed)");
    assertThatThrownBy(() -> parse("--tls-cert", "/nope.pem").conf())
        .hasMessage("Option '--tls-cert' needs '--tls-key' too (HTTPS takes both)");
    assertThatThrownBy(() -> parse("--tls-cert", "/nope.pem", "--tls-key", "/nope-key.pem").conf())
        .hasMessage("Invalid option '--tls-cert': /nope.pem (expected a readable PEM file)");
    assertThatThrownBy(() -> parse("--max-texts-per-request", "0").conf())
        .hasMessage("Invalid option '--max-texts-per-request': 0 (expected 1-1000000)");
    assertThatThrownBy(() -> parse("--request-timeout", "soon").conf())
        .hasMessage(
            "Invalid option '--request-timeout': soon (expected a duration such as 30s, 500ms or"
                + " 2m)");
    assertThatThrownBy(() -> parse("--device", "tpu").conf())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("tpu");
  }
}
