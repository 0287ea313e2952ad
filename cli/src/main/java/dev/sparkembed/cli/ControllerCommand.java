package dev.sparkembed.cli;

import dev.sparkembed.embed.jobs.Controller;
import dev.sparkembed.embed.jobs.ControllerConf;
import dev.sparkembed.embed.jobs.JobConnections;
import dev.sparkembed.embed.service.ServiceConf;
import dev.sparkembed.embed.service.ServiceLimits;
import dev.sparkembed.embed.service.ServiceSparkSettings;
import java.nio.file.Files;
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
      names = "--admin-key",
      description =
          "Key the jobs API (/jobs) requires; default: env SPARK_EMBED_ADMIN_KEY. Without one,"
              + " /jobs answers only on a loopback --host. The --api-key never grants /jobs.")
  String adminKey;

  @Option(
      names = "--connection",
      paramLabel = "NAME=JDBC_URL",
      description =
          "A database jobs may use, by name (repeatable); a job names it with \"connection\"."
              + " Password from env SPARK_EMBED_CONNECTION_<NAME>_PASSWORD.")
  List<String> connections = new ArrayList<>();

  @Option(
      names = "--connection-user",
      paramLabel = "NAME=USER",
      description = "The user of a --connection (repeatable).")
  List<String> connectionUsers = new ArrayList<>();

  @Option(
      names = "--connections-file",
      paramLabel = "FILE",
      description = "Connections as properties: NAME.url, NAME.user, NAME.password.")
  Path connectionsFile;

  @Option(
      names = "--data-dir",
      defaultValue = "./data",
      description =
          "The folder file jobs read and write; their paths are relative to it"
              + " (default: ./data).")
  Path dataDir;

  @Option(
      names = "--results-dir",
      description = "Where pull jobs keep their results (default: a temp folder, removed on exit).")
  Path resultsDir;

  @picocli.CommandLine.Mixin DeploymentOptions deployment = new DeploymentOptions();

  @Option(
      names = "--checkpoint",
      paramLabel = "DIR",
      description =
          "The service query's checkpoint folder, kept across restarts (default: a temp"
              + " folder, removed on exit).")
  Path checkpoint;

  @Override
  public Integer call() throws Exception {
    if (port < 1 || port > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Invalid option 'port': " + port + " (expected 1-65535)");
    }
    String key = apiKey != null ? apiKey : System.getenv(ServiceConf.API_KEY_ENV);
    String admin = adminKey != null ? adminKey : System.getenv("SPARK_EMBED_ADMIN_KEY");
    ServiceConf serviceConf;
    JobConnections databases;
    try {
      databases =
          JobConnections.configure(connections, connectionUsers, connectionsFile, System::getenv);
      serviceConf =
          new ServiceConf(
              host,
              port,
              "head",
              false,
              SparkMasters.usable(master),
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
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    List<String> notes = new ArrayList<>();
    SparkSession.Builder builder = SparkSession.builder().master(master);
    ServiceSparkSettings.settings(serviceConf, List.of(), notes).forEach(builder::config);
    builder.config("spark.executor.heartbeatInterval", "2s");
    builder.appName("spark-embed controller");
    SparkSession spark = builder.getOrCreate();
    Path results =
        resultsDir != null ? resultsDir : Files.createTempDirectory("spark-embed-results-");
    Controller controller;
    try {
      controller =
          Controller.start(
              spark,
              new ControllerConf(
                  serviceConf,
                  admin == null || admin.isEmpty() ? null : admin,
                  databases,
                  dataDir,
                  results,
                  checkpoint,
                  deployment.sourceOptions()));
    } catch (RuntimeException e) {
      spark.stop();
      if (resultsDir == null) {
        TempFolders.delete(results);
      }
      throw e;
    }
    Thread stopper = new Thread(controller::close, "spark-embed-controller-shutdown");
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      LOG.info("Controller ready on http://{}:{}", host, controller.port());
      controller.awaitTermination();
      return 0;
    } finally {
      controller.close();
      spark.stop();
      if (resultsDir == null) {
        TempFolders.delete(results);
      }
    }
  }
}
