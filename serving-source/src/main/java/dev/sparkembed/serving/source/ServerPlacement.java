package dev.sparkembed.serving.source;

import java.util.Collection;
import java.util.Map;

/**
 * Where a query's servers and request queues are: the only thing head and distributed mode do
 * differently. The read streams plan from it; the sink finishes batches through it. Driver.
 */
interface ServerPlacement {
  /** The live queues now. */
  Collection<QueueHandle> queues();

  /** The live queue with this token, or null (gone, or from an earlier run of the query). */
  QueueHandle queue(String token);

  /**
   * The newest request number of every live queue; waits up to {@code waitMs} when none has
   * anything newer than {@code after}. Interruptible.
   */
  Map<String, Long> awaitLatest(HttpOffset after, long waitMs);

  /** Continuous mode: every queue hands requests to {@code lanes} readers. */
  void useLanes(int lanes);

  /** The query's secret for the internal endpoints. */
  String secret();

  /** Stops every server of the query; waiting requests get 503 with {@code reason}. */
  void stop(String reason);
}
