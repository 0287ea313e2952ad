package dev.sparkembed.cli;

import dev.sparkembed.embed.jobs.Controller;
import dev.sparkembed.embed.service.ServiceConf;
import dev.sparkembed.embed.service.ServiceLimits;
import dev.sparkembed.embed.service.ServiceSparkSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spark-embed controller}: the always-on controller app. Serves {@code serve}'s embedding
 * endpoints and the batch job API ({@code /jobs}) on one port; jobs run one at a time on this
 * driver's Spark session. Runs until stopped (Ctrl-C / SIGTERM).
 */
@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "The controller: serve's embedding endpoints plus POST /jobs, GET /jobs, GET /jobs/{id},",
      "DELETE /jobs/{id} and GET /jobs/{id}/results (pull mode), on one port."
    })
final class ControllerCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerCommand.class);

  @Spec CommandSpec spec;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind.")
  String host;

  @Option(names = "--port", defaultValue = "8888", description = "Port (default: 8888).")
  int port;

  @Option(names = "--master", defaultValue = "local[*]", description = "Spark master.")
  String master;

  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--api-key",
      description = "Key every endpoint requires; default: env " + ServiceConf.API_KEY_ENV + ".")
  String apiKey;

  @Option(
      names = "--results-dir",
      description = "Where pull jobs keep their results (default: a temp folder).")
  Path resultsDir;

  @Override
  public Integer call() throws Exception {
    if (port < 1 || port > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Invalid option 'port': " + port + " (expected 1-65535)");
    }
    String key = apiKey != null ? apiKey : System.getenv(ServiceConf.API_KEY_ENV);
    ServiceConf serviceConf;
    try {
      serviceConf =
          new ServiceConf(
              "127.0.0.1",
              freePort(),
              "head",
              false,
              master,
              modelOptions.spec(),
              key == null || key.isEmpty() ? null : key,
              null,
              null,
              ServiceLimits.defaults(),
              10_000,
              Duration.ofSeconds(30),
              1000,
              0,
              Map.of());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    List<String> notes = new ArrayList<>();
    SparkSession.Builder builder = SparkSession.builder().master(master);
    ServiceSparkSettings.settings(serviceConf, List.of(), notes).forEach(builder::config);
    builder.config("spark.executor.heartbeatInterval", "2s");
    builder.appName("spark-embed controller");
    SparkSession spark = builder.getOrCreate();
    Path results =
        resultsDir != null
            ? resultsDir
            : java.nio.file.Files.createTempDirectory("spark-embed-results-");
    Controller controller =
        Controller.start(spark, host, port, serviceConf, serviceConf.apiKey(), results);
    Thread stopper = new Thread(controller::close, "spark-embed-controller-shutdown");
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      LOG.info("Controller ready on http://{}:{}", host, controller.port());
      controller.awaitTermination();
      return 0;
    } finally {
      controller.close();
      spark.stop();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
