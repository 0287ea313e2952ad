package dev.sparkembed.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.struct;

import dev.sparkembed.serving.HttpServing;
import dev.sparkembed.serving.ServingQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spark-embed example echo}: the Spark Serving hello-world. POST {@code {"text": "..."}}
 * answers {@code {"length": <characters>}}. Runs until SIGINT/SIGTERM, whose shutdown hook stops
 * the query (clients still waiting get 503). Driver.
 */
@Command(
    name = "echo",
    mixinStandardHelpOptions = true,
    description = "Serve POST {\"text\": ...} -> {\"length\": n} with a streaming query.")
final class EchoCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(EchoCommand.class);

  /** Above Spark's shutdown hooks (which run at 40 in Hadoop's manager). */
  private static final int SHUTDOWN_PRIORITY = 100;

  static final StructType TEXT = new StructType().add("text", DataTypes.StringType, true);

  /** Serving placement, as the source's {@code mode} option. */
  enum Mode {
    head,
    distributed
  }

  /** The streaming trigger. */
  enum TriggerKind {
    MICRO_BATCH("micro-batch"),
    CONTINUOUS("continuous");

    final String cli;

    TriggerKind(String cli) {
      this.cli = cli;
    }

    @Override
    public String toString() {
      return cli;
    }
  }

  @Option(names = "--port", required = true, description = "Port to serve on (1-65535).")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--path",
      defaultValue = "/echo",
      description = "API path (default: ${DEFAULT-VALUE}).")
  String path;

  @Option(
      names = "--mode",
      defaultValue = "head",
      description = "Server placement: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Mode mode;

  @Option(
      names = "--trigger",
      defaultValue = "micro-batch",
      converter = TriggerConverter.class,
      description = "micro-batch or continuous (default: ${DEFAULT-VALUE}).")
  TriggerKind trigger;

  @Option(
      names = "--master",
      defaultValue = "local[*]",
      description = "Spark master (default: ${DEFAULT-VALUE}).")
  String master;

  @picocli.CommandLine.Mixin DeploymentOptions deployment = new DeploymentOptions();

  @Option(
      names = "--checkpoint",
      paramLabel = "DIR",
      description =
          "The query's checkpoint folder, kept across restarts (a restart with the same folder"
              + " resumes; default: a temp folder, removed on exit).")
  Path checkpointDir;

  @Override
  public Integer call() throws Exception {
    if (port < 1 || port > 65535) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this),
          "Invalid value for option '--port': " + port + " (expected 1-65535)");
    }
    try {
      SparkMasters.usable(master);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), e.getMessage(), e);
    }
    SparkSession spark = session(master, trigger == TriggerKind.CONTINUOUS);
    Path checkpoint =
        checkpointDir != null
            ? Files.createDirectories(checkpointDir)
            : Files.createTempDirectory("spark-embed-echo");
    StreamingQuery query = start(spark, checkpoint);
    // Runs before Spark's own hook (which stops the SparkContext), so the query stops cleanly and
    // clients still waiting get 503.
    org.apache.hadoop.util.ShutdownHookManager.get()
        .addShutdownHook(
            () -> {
              try {
                query.stop();
              } catch (TimeoutException | RuntimeException e) {
                LOG.warn("The echo query did not stop cleanly: {}", e.toString());
              }
              if (checkpointDir == null) {
                TempFolders.delete(checkpoint);
              }
            },
            SHUTDOWN_PRIORITY);
    try {
      query.awaitTermination();
    } catch (StreamingQueryException e) {
      LOG.error("The echo query failed: {}", e.getMessage());
      return 1;
    }
    return 0;
  }

  /** Starts the echo query and waits until it serves; logs the one "Serving" line. */
  StreamingQuery start(SparkSession spark, Path checkpoint) throws TimeoutException {
    Dataset<Row> requests =
        spark
            .readStream()
            .format(HttpServing.FORMAT)
            .option("host", host)
            .option("port", port)
            .option("path", path)
            .option("mode", mode.name())
            .options(deployment.sourceOptions())
            .load();
    Dataset<Row> replies =
        HttpServing.replyJson(
            HttpServing.parseJson(requests, TEXT), struct(length(col("json.text")).as("length")));
    DataStreamWriter<Row> writer =
        HttpServing.lowLatency(replies.writeStream(), trigger == TriggerKind.CONTINUOUS)
            .format(HttpServing.FORMAT)
            .option("replyTo", path)
            .option("checkpointLocation", checkpoint.toString())
            .queryName("echo")
            .trigger(
                trigger == TriggerKind.CONTINUOUS
                    ? Trigger.Continuous(ServingQueries.CONTINUOUS_INTERVAL_MS)
                    : Trigger.ProcessingTime(0));
    StreamingQuery query = writer.start();
    HttpServing.awaitServing(query, Duration.ofMinutes(2));
    LOG.info("Serving http://{}:{}{}", host, port, path);
    return query;
  }

  static SparkSession session(String master) {
    return session(master, false);
  }

  /** The echo's session; a continuous one gets the settings that keep it cheap while idle. */
  static SparkSession session(String master, boolean continuous) {
    SparkSession.Builder b = SparkSession.builder().master(master).appName("spark-embed echo");
    if (System.getProperty("spark.ui.enabled") == null) {
      b.config("spark.ui.enabled", "false");
    }
    if (continuous) {
      ServingQueries.CONTINUOUS_SESSION_SETTINGS.forEach(
          (k, v) -> {
            if (System.getProperty(k) == null) {
              b.config(k, v);
            }
          });
    }
    // Each micro-batch describes its plan for the SQL listeners on the query's own thread:
    // keep that description cheap.
    return b.config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.ui.explainMode", "simple")
        .getOrCreate();
  }

  /** Accepts micro-batch|continuous (any case). */
  static final class TriggerConverter implements picocli.CommandLine.ITypeConverter<TriggerKind> {
    @Override
    public TriggerKind convert(String value) {
      for (TriggerKind t : TriggerKind.values()) {
        if (t.cli.equals(value.toLowerCase(Locale.ROOT))) {
          return t;
        }
      }
      throw new picocli.CommandLine.TypeConversionException(
          "'" + value + "' (expected micro-batch or continuous)");
    }
  }
}
