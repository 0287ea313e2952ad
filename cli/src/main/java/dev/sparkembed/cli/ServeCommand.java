package dev.sparkembed.cli;

import dev.sparkembed.embed.service.EmbeddingService;
import dev.sparkembed.embed.service.ServiceConf;
import dev.sparkembed.embed.service.ServiceLimits;
import dev.sparkembed.embed.service.ServiceSetup;
import dev.sparkembed.embed.service.ServiceSparkSettings;
import dev.sparkembed.serving.conf.ServingErrors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
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
 * {@code spark-embed serve}: the embedding service (OpenAI, Azure OpenAI, Ollama and SQL Server
 * 2025 compatible endpoints) as a Spark streaming query, until stopped (Ctrl-C / SIGTERM). This JVM
 * is the Spark driver. With no options: 127.0.0.1:8888, local[*], the built-in all-MiniLM-L6-v2.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serves text embeddings over HTTP from a Spark streaming query: POST /v1/embeddings"
          + " (OpenAI), /openai/deployments/{deployment}/embeddings (Azure OpenAI), /api/embed and"
          + " /api/embeddings (Ollama), /v1/embed/batch (rows of {id, text}); GET /healthz,"
          + " /readyz, /metrics, /v1/models, /api/tags, /api/version."
    })
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = ServiceConf.DEFAULT_HOST,
      description =
          "Address to bind; 0.0.0.0 in containers (default: ${DEFAULT-VALUE}). Distributed: an"
              + " executor on a machine without this address binds the one Spark uses there"
              + " (the worker's SPARK_LOCAL_IP).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8888",
      description = "Port (distributed: the first executor's; default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--mode",
      defaultValue = "head",
      description = "head (one server on the driver) or distributed (one per executor).")
  String mode;

  @Option(
      names = "--trigger",
      defaultValue = "micro-batch",
      description = "micro-batch (batches concurrent requests) or continuous (lowest latency).")
  String trigger;

  @Option(
      names = "--master",
      defaultValue = "local[*]",
      description = "Spark master: local[*] or spark://host:7077 (default: ${DEFAULT-VALUE}).")
  String master;

  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--api-key",
      description =
          "Key every embedding endpoint requires (Authorization: Bearer <key> or api-key: <key>);"
              + " default: env "
              + ServiceConf.API_KEY_ENV
              + ", else none.")
  String apiKey;

  @Option(names = "--tls-cert", description = "PEM certificate (chain) to serve HTTPS.")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM PKCS#8 private key of --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--max-texts-per-request",
      defaultValue = "" + ServiceLimits.DEFAULT_MAX_TEXTS_PER_REQUEST,
      description = "Texts in one request (default: ${DEFAULT-VALUE}).")
  int maxTexts;

  @Option(
      names = "--max-chars-per-text",
      defaultValue = "" + ServiceLimits.DEFAULT_MAX_CHARS_PER_TEXT,
      description = "Characters in one text (default: ${DEFAULT-VALUE}).")
  int maxChars;

  @Option(
      names = "--max-body-bytes",
      defaultValue = "" + ServiceLimits.DEFAULT_MAX_BODY_BYTES,
      description = "Bytes in one request body, every endpoint (default: ${DEFAULT-VALUE}).")
  long maxBodyBytes;

  @Option(
      names = "--max-queued-requests",
      defaultValue = "10000",
      description =
          "Requests waiting for a batch before new ones get 503 (default: ${DEFAULT-VALUE}).")
  int maxQueued;

  @Option(
      names = "--request-timeout",
      defaultValue = "30s",
      description = "A request unanswered this long gets 504 (default: ${DEFAULT-VALUE}).")
  String requestTimeout;

  @Option(
      names = "--max-requests-per-batch",
      defaultValue = "1000",
      description = "Requests one micro-batch takes from one server (default: ${DEFAULT-VALUE}).")
  int maxRequestsPerBatch;

  @Option(
      names = "--num-partitions",
      defaultValue = "0",
      description =
          "Partitions per server and batch (continuous: readers per server); 0 = Spark's"
              + " parallelism (continuous: one reader per server, its model calls on all the"
              + " executor's cores).")
  int numPartitions;

  @Option(
      names = "--conf",
      description = "Extra Spark setting key=value (repeatable); wins over serve's own choices.")
  Map<String, String> sparkConf = new LinkedHashMap<>();

  @picocli.CommandLine.Mixin DeploymentOptions deployment = new DeploymentOptions();

  @Option(
      names = "--checkpoint",
      paramLabel = "DIR",
      description =
          "The query's checkpoint folder, kept across restarts (a restart with the same folder"
              + " resumes; default: a temp folder, removed on exit).")
  Path checkpoint;

  @Override
  public Integer call() throws Exception {
    ServiceConf conf = conf();
    List<String> notes = new ArrayList<>();
    Map<String, String> settings =
        ServiceSparkSettings.settings(conf, ExecutorJars.ofThisApplication(), notes);
    notes.forEach(n -> LOG.info("Spark setting: {}", n));
    SparkSession.Builder builder = SparkSession.builder().master(conf.master());
    settings.forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    AtomicReference<EmbeddingService> running = new AtomicReference<>();
    // Ctrl-C / SIGTERM: stop the query first (pending requests get 503, running tasks finish),
    // then Spark, then exit; only then do shutdown hooks close the models. Without this the JVM's
    // hooks would run at once, all together, and close models under running tasks.
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name), signal -> stopOnSignal(running, signal.getNumber()));
      } catch (IllegalArgumentException e) {
        LOG.debug("Cannot handle SIG{}: {}", name, e.getMessage());
      }
    }
    try {
      EmbeddingService service =
          EmbeddingService.start(
              spark,
              conf,
              ServiceSetup.defaults()
                  .withCheckpoint(checkpoint)
                  .withSourceOptions(deployment.sourceOptions()));
      running.set(service);
      service.awaitTermination();
      return 0;
    } catch (org.apache.spark.sql.streaming.StreamingQueryException e) {
      LOG.error("The service's query failed: {}", e.getMessage(), e);
      return 1;
    } finally {
      EmbeddingService s = running.getAndSet(null);
      if (s != null) {
        s.close();
      }
      spark.stop();
    }
  }

  /** Stops the running service from a signal handler, without blocking the signal thread. */
  private static void stopOnSignal(AtomicReference<EmbeddingService> running, int signal) {
    EmbeddingService service = running.getAndSet(null);
    if (service == null) {
      // Not serving yet (loading the model): nothing to drain.
      System.exit(128 + signal);
    }
    LOG.info("Signal {}: stopping the service", signal);
    Thread stopper = new Thread(service::close, "spark-embed-serve-stop");
    stopper.setDaemon(true);
    stopper.start();
  }

  /** Validates every option once; a bad one is a usage error naming it. */
  ServiceConf conf() {
    try {
      String key = apiKey != null ? apiKey : System.getenv(ServiceConf.API_KEY_ENV);
      if (key != null && key.isEmpty()) {
        key = null;
      }
      return new ServiceConf(
          host,
          port,
          mode,
          continuous(),
          SparkMasters.usable(master),
          modelOptions.spec(),
          key,
          tlsCert,
          tlsKey,
          new ServiceLimits(maxTexts, maxChars, maxBodyBytes),
          maxQueued,
          duration("request-timeout", requestTimeout),
          maxRequestsPerBatch,
          numPartitions,
          sparkConf);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  private boolean continuous() {
    switch (trigger.toLowerCase(Locale.ROOT)) {
      case "micro-batch":
        return false;
      case "continuous":
        return true;
      default:
        throw ServingErrors.invalidOption("--" + "trigger", trigger, "micro-batch or continuous");
    }
  }

  /** {@code 30s}, {@code 500ms}, {@code 2m}, or a number of seconds. */
  static Duration duration(String option, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
      }
      if (v.endsWith("s")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 1000));
      }
      if (v.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1).trim()) * 60);
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    } catch (NumberFormatException e) {
      throw ServingErrors.invalidOption(
          "--" + option, value, "a duration such as 30s, 500ms or 2m");
    }
  }
}
