package dev.sparkembed.serving;

import dev.sparkembed.serving.server.ServingRegistry;
import dev.sparkembed.serving.source.RequestRows;
import java.time.Duration;
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
