package dev.sparkembed.serving.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.struct;

import dev.sparkembed.serving.HttpServing;
import dev.sparkembed.serving.server.RequestQueue;
import dev.sparkembed.serving.server.ServingServers;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The echo service used by the Spark tests: {"text": s} to {"length": len(s)}. */
public final class EchoQueries {
  public static final StructType TEXT = new StructType().add("text", DataTypes.StringType, true);

  private EchoQueries() {}

  public static SparkSession session(String master) {
    return SparkSession.builder()
        .master(master)
        .appName("serving-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.streaming.stopTimeout", "30s")
        .getOrCreate();
  }

  /** Starts an echo query; {@code between} may filter or transform the parsed rows. */
  public static StreamingQuery start(
      SparkSession spark,
      int port,
      String path,
      Path checkpoint,
      Map<String, String> options,
      UnaryOperator<Dataset<Row>> between)
      throws TimeoutException {
    return start(spark, port, path, checkpoint, options, between, Trigger.ProcessingTime(0));
  }

  /** Same, with a trigger (e.g. {@code Trigger.Continuous}). */
  public static StreamingQuery start(
      SparkSession spark,
      int port,
      String path,
      Path checkpoint,
      Map<String, String> options,
      UnaryOperator<Dataset<Row>> between,
      Trigger trigger)
      throws TimeoutException {
    Dataset<Row> requests =
        spark
            .readStream()
            .format("httpserver")
            .option("port", port)
            .option("path", path)
            .options(options)
            .load();
    Dataset<Row> parsed = between.apply(HttpServing.parseJson(requests, TEXT));
    StreamingQuery q =
        HttpServing.replyJson(parsed, struct(length(col("json.text")).as("length")))
            .writeStream()
            .format("httpserver")
            .option("replyTo", path)
            .option("checkpointLocation", checkpoint.toString())
            .queryName("echo" + path.replace('/', '_') + "_" + port)
            .trigger(trigger)
            .start();
    HttpServing.awaitServing(q, java.time.Duration.ofSeconds(60));
    return q;
  }

  /** The queue serving {@code path} on {@code port} in this JVM (for waiting on arrivals). */
  public static RequestQueue queue(int port, String path) {
    for (String token : ServingServers.tokens()) {
      ServingServers.Registration r = ServingServers.registration(token);
      if (r != null && r.port() == port && r.path().equals(path) && r.queue() != null) {
        return r.queue();
      }
    }
    throw new IllegalStateException("No queue for " + path + " on port " + port);
  }

  public static String body(String text) {
    return "{\"text\":\"" + text + "\"}";
  }
}
