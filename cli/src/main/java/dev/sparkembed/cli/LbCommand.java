package dev.sparkembed.cli;

import dev.sparkembed.lb.LbOptions;
import dev.sparkembed.lb.LbServer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spark-embed lb}: runs the load balancer in front of executor servers until interrupted.
 * Runs in its own JVM (no Spark session); option text is validated by {@link LbOptions}, so the CLI
 * and the Java API report the same errors.
 */
@Command(
    name = "lb",
    mixinStandardHelpOptions = true,
    description = {
      "Load balancer: one HTTP address in front of the executors' servers (distributed mode).",
      "Backends come from --backend, from POST /_lb/register (needs the secret), and from"
          + " --discover (the driver's /_spark-embed/servers list)."
    })
final class LbCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Address to bind (default " + LbOptions.DEFAULT_HOST + "; 0.0.0.0 for all).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Port to listen on (default " + LbOptions.DEFAULT_PORT + "; 0 = any free).")
  String port;

  @Option(
      names = "--backend",
      paramLabel = "HOST:PORT",
      description = "A static backend; repeat or separate with commas.")
  List<String> backends = new ArrayList<>();

  @Option(
      names = "--discover",
      paramLabel = "URL",
      description = "Poll this server list, e.g. http://driver:4050/_spark-embed/servers.")
  String discover;

  @Option(
      names = "--discover-interval",
      paramLabel = "DURATION",
      description =
          "How often to poll --discover (default " + LbOptions.DEFAULT_DISCOVER_INTERVAL + ").")
  String discoverInterval;

  @Option(
      names = "--secret",
      paramLabel = "SECRET",
      defaultValue = "${env:" + LbOptions.SECRET_ENV + "}",
      description =
          "Secret that POST /_lb/register and /_lb/deregister must send in X-Spark-Embed-Secret"
              + " (default: env "
              + LbOptions.SECRET_ENV
              + "; registration is refused without one).")
  String secret;

  @Option(
      names = "--secret-file",
      paramLabel = "FILE",
      description =
          "File holding the secret (instead of --secret; keeps it off the command line). Without"
              + " either, env "
              + LbOptions.SECRET_ENV
              + " or the deployment secret env "
              + DeploymentOptions.SECRET_ENV
              + ".")
  java.nio.file.Path secretFile;

  @Option(
      names = "--attach-port",
      paramLabel = "PORT",
      description =
          "Port executors' servers dial out to (serve --mode distributed --lb HOST:PORT); needs the"
              + " secret (default "
              + LbOptions.DEFAULT_ATTACH_PORT
              + "; 0 = any free).")
  String attachPort;

  @Option(
      names = "--attach-max-response",
      paramLabel = "SIZE",
      description =
          "Largest response an attached backend may send (default "
              + LbOptions.DEFAULT_ATTACH_MAX_RESPONSE
              + ").")
  String attachMaxResponse;

  @Option(
      names = "--health-interval",
      paramLabel = "DURATION",
      description = "Health check interval (default " + LbOptions.DEFAULT_HEALTH_INTERVAL + ").")
  String healthInterval;

  @Option(
      names = "--health-timeout",
      paramLabel = "DURATION",
      description = "Health check timeout (default " + LbOptions.DEFAULT_HEALTH_TIMEOUT + ").")
  String healthTimeout;

  @Option(
      names = "--health-fall",
      paramLabel = "N",
      description =
          "Failed checks before a backend is down (default " + LbOptions.DEFAULT_HEALTH_FALL + ").")
  String healthFall;

  @Option(
      names = "--health-rise",
      paramLabel = "N",
      description =
          "Passed checks before it is up again (default " + LbOptions.DEFAULT_HEALTH_RISE + ").")
  String healthRise;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DURATION",
      description = "Backend connect timeout (default " + LbOptions.DEFAULT_CONNECT_TIMEOUT + ").")
  String connectTimeout;

  @Option(
      names = "--response-timeout",
      paramLabel = "DURATION",
      description =
          "Time a backend has to start its response, else 504 (default "
              + LbOptions.DEFAULT_RESPONSE_TIMEOUT
              + ").")
  String responseTimeout;

  @Option(
      names = "--header-timeout",
      paramLabel = "DURATION",
      description =
          "Time a client has to send a whole request once started, else 408 (default "
              + LbOptions.DEFAULT_HEADER_TIMEOUT
              + ").")
  String headerTimeout;

  @Option(
      names = "--idle-timeout",
      paramLabel = "DURATION",
      description =
          "Idle client connections close after (default " + LbOptions.DEFAULT_IDLE_TIMEOUT + ").")
  String idleTimeout;

  @Option(
      names = "--max-body",
      paramLabel = "SIZE",
      description = "Largest request body, else 413 (default " + LbOptions.DEFAULT_MAX_BODY + ").")
  String maxBody;

  @Option(
      names = "--max-idle-per-backend",
      paramLabel = "N",
      description =
          "Pooled keep-alive connections per backend and event loop (default "
              + LbOptions.DEFAULT_MAX_IDLE_PER_BACKEND
              + ").")
  String maxIdlePerBackend;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Event loop threads (default: number of cores).")
  String threads;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    LbOptions options;
    try {
      options = options();
    } catch (IllegalArgumentException e) {
      err.println("spark-embed lb: " + e.getMessage());
      err.flush();
      return 2;
    }
    try (LbServer server = LbServer.start(options)) {
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "spark-embed lb: listening on http://%s:%d (backends: GET /_lb/backends)%n",
          server.host(), server.port());
      out.flush();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "lb-shutdown"));
      server.closeFuture().sync();
    }
    return 0;
  }

  LbOptions options() {
    LbOptions.Builder builder = LbOptions.builder();
    set(builder, LbOptions.HOST, host);
    set(builder, LbOptions.PORT, port);
    backends.forEach(builder::addBackend);
    set(builder, LbOptions.DISCOVER, discover);
    set(builder, LbOptions.DISCOVER_INTERVAL, discoverInterval);
    set(builder, LbOptions.SECRET, secret());
    set(builder, LbOptions.ATTACH_PORT, attachPort);
    set(builder, LbOptions.ATTACH_MAX_RESPONSE, attachMaxResponse);
    set(builder, LbOptions.HEALTH_INTERVAL, healthInterval);
    set(builder, LbOptions.HEALTH_TIMEOUT, healthTimeout);
    set(builder, LbOptions.HEALTH_FALL, healthFall);
    set(builder, LbOptions.HEALTH_RISE, healthRise);
    set(builder, LbOptions.CONNECT_TIMEOUT, connectTimeout);
    set(builder, LbOptions.RESPONSE_TIMEOUT, responseTimeout);
    set(builder, LbOptions.HEADER_TIMEOUT, headerTimeout);
    set(builder, LbOptions.IDLE_TIMEOUT, idleTimeout);
    set(builder, LbOptions.MAX_BODY, maxBody);
    set(builder, LbOptions.MAX_IDLE_PER_BACKEND, maxIdlePerBackend);
    set(builder, LbOptions.THREADS, threads);
    return builder.build();
  }

  /** --secret, else --secret-file, else env SPARK_EMBED_LB_SECRET, else SPARK_EMBED_SECRET. */
  private String secret() {
    if (secret != null && !secret.isBlank()) {
      return secret;
    }
    if (secretFile != null) {
      DeploymentOptions file = new DeploymentOptions();
      file.secretFile = secretFile;
      return file.secret();
    }
    String deployment = System.getenv(DeploymentOptions.SECRET_ENV);
    return deployment == null || deployment.isBlank() ? null : deployment.trim();
  }

  private static void set(LbOptions.Builder builder, String key, String value) {
    if (value != null) {
      builder.set(key, value);
    }
  }
}
