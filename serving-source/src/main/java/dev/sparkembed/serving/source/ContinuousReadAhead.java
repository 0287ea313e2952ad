package dev.sparkembed.serving.source;

import dev.sparkembed.serving.server.ServingRegistry;
import org.apache.spark.TaskContext;

/**
 * Continuous: which request each running task's reader handed to Spark last, so that the task's
 * partition function can tell, without blocking, whether more requests are already on their way to
 * it. Spark runs a continuous reader on its own thread that feeds a queue the task's thread reads;
 * the function sees only a blocking iterator, and asking it for a row that never comes would stall
 * the rows it holds until the epoch ends. A function that holds the row of request {@code n} and
 * finds that the reader handed a different request after it can read one more row at once (it is in
 * Spark's queue or about to be), and so gather what is queued into one call. Kept in the {@link
 * ServingRegistry}, keyed by the task attempt (the reader thread carries the task's context); a
 * reader's entry goes when it closes. Executor.
 */
public final class ContinuousReadAhead {
  private ContinuousReadAhead() {}

  /**
   * Whether this task's continuous reader has handed Spark a request after the one numbered {@code
   * requestId} (the {@code id.requestId} of the source's rows). False outside a continuous task, so
   * callers then take what they hold.
   */
  public static boolean handedAfter(long requestId) {
    TaskContext ctx = TaskContext.get();
    if (ctx == null) {
      return false;
    }
    return ServingRegistry.jvm().handedAfter(ctx.taskAttemptId(), requestId);
  }

  /** Reader thread: request {@code requestId} goes to Spark now. */
  static void handed(long taskAttemptId, long requestId) {
    if (taskAttemptId >= 0) {
      ServingRegistry.jvm().put(ServingRegistry.LAST_HANDED, taskAttemptId, requestId);
    }
  }

  /** The task's reader closed; its task reads no more. */
  static void closed(long taskAttemptId) {
    ServingRegistry.jvm().remove(ServingRegistry.LAST_HANDED, taskAttemptId);
  }
}
