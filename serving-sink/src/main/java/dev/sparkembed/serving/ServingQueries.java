package dev.sparkembed.serving;

import dev.sparkembed.serving.server.ServingRegistry;
import dev.sparkembed.serving.source.RequestRows;
import java.time.Duration;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Running a Spark Serving query: the writer's low-latency settings, waiting until its servers are
 * up, and the continuous trigger's read-ahead test. Public; {@link HttpServing} delegates to it.
 */
public final class ServingQueries {
  private static final int REQUEST_ID_FIELD =
      RequestRows.ID_TYPE.fieldIndex(RequestRows.ID_REQUEST);

  /**
   * The epoch length the project's own continuous queries use ({@code serve}, {@code example
   * echo}): replies never wait for an epoch, but Spark does work for every epoch even when no
   * request came (it writes the offset and commit logs, restarts each task's epoch and asks every
   * executor for the epoch), about 60 ms of CPU per epoch here; at 5 s an idle query costs what an
   * idle micro-batch query does. What waits for the end of an epoch: the 500 for a request whose
   * row the query dropped, forgetting answered requests, and noticing an executor that joined.
   */
  public static final long CONTINUOUS_INTERVAL_MS = 5_000;

  /**
   * Spark settings that keep an idle continuous query cheap, for a session that runs one with a
   * local checkpoint folder ({@code serve} and {@code example echo} set them; a value the user sets
   * wins). The checkpoint files go through Hadoop's FileSystem API, which on the local file system
   * forks no processes (the default FileContext API forks about 20 {@code readlink}/{@code chmod}
   * processes per epoch); executors ask the driver for the current epoch once a second instead of
   * ten times (an epoch then commits up to a second later; replies never wait for it).
   */
  public static final Map<String, String> CONTINUOUS_SESSION_SETTINGS =
      Map.of(
          "spark.sql.streaming.checkpointFileManagerClass",
          "org.apache.spark.sql.execution.streaming.FileSystemBasedCheckpointFileManager",
          "spark.sql.streaming.continuous.executorPollIntervalMs",
          "1000");

  private ServingQueries() {}

  /**
   * Settings for a serving query's writer that take checkpoint writes off each request's path: with
   * micro-batches, Spark's async progress tracking (offsets and commits are written in the
   * background, at most once a second). A serving query loses nothing by it: its requests do not
   * outlive the servers anyway, and a restarted query serves again from where the checkpoint is.
   * Continuous queries need nothing.
   */
  public static <T> DataStreamWriter<T> lowLatency(DataStreamWriter<T> writer, boolean continuous) {
    if (continuous) {
      return writer;
    }
    return writer
        .option("asyncProgressTrackingEnabled", "true")
        .option("asyncProgressTrackingCheckpointIntervalMs", "1000")
        // Spark allows async progress for an allow-list of sinks; this one is stateless and
        // idempotent per batch, which is what the feature needs.
        .option("_asyncProgressTrackingOverrideSinkSupportCheck", "true");
  }

  /**
   * Continuous trigger, inside a partition function: whether the task's reader already handed Spark
   * another request after the one whose {@code id} this is, so that reading one more row returns at
   * once instead of waiting for a new request. Lets a function gather the requests that are queued
   * into one call without ever waiting for a row that may not come. False outside a continuous
   * task. Executor.
   *
   * @param id the {@code id} struct of a row of the source
   */
  public static boolean moreRequestsReady(Row id) {
    TaskContext ctx = TaskContext.get();
    return ctx != null
        && ServingRegistry.jvm().handedAfter(ctx.taskAttemptId(), id.getLong(REQUEST_ID_FIELD));
  }

  /**
   * Waits until the {@code httpserver} source of {@code query} has its servers up ({@code start()}
   * returns before the query's thread starts them).
   *
   * @throws IllegalStateException when the query fails or stops first, or after {@code timeout}
   */
  public static void awaitServing(StreamingQuery query, Duration timeout) {
    ServingRegistry.SourceHandle source;
    try {
      source =
          ServingRegistry.jvm()
              .awaitSource(query.id().toString(), timeout.toMillis(), () -> !query.isActive());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + query.name(), e);
    }
    if (source != null) {
      return;
    }
    if (!query.isActive()) {
      throw new IllegalStateException(
          "Query " + query.name() + " stopped before serving",
          query.exception().getOrElse(() -> null));
    }
    throw new IllegalStateException(
        "Query " + query.name() + " is not serving after " + timeout.toMillis() + " ms");
  }
}
