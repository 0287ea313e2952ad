package dev.sparkembed.serving.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one {@link RequestQueue}: what came in, how each request ended, and what was dropped.
 * Shown in Spark's query progress (source metrics). Thread-safe.
 */
public final class QueueMetrics {
  final LongAdder received = new LongAdder();
  final LongAdder answered = new LongAdder();
  final LongAdder rejectedFull = new LongAdder();
  final LongAdder timedOut = new LongAdder();
  final LongAdder clientGone = new LongAdder();
  final LongAdder unanswered = new LongAdder();
  final LongAdder lateReplies = new LongAdder();
  final LongAdder duplicateReplies = new LongAdder();
  final LongAdder latencyMicros = new LongAdder();

  public long received() {
    return received.sum();
  }

  public long answered() {
    return answered.sum();
  }

  public long rejectedFull() {
    return rejectedFull.sum();
  }

  public long timedOut() {
    return timedOut.sum();
  }

  /** Clients that closed their connection before their answer came. */
  public long clientGone() {
    return clientGone.sum();
  }

  /** Requests read by a batch that wrote no reply for them (answered 500). */
  public long unanswered() {
    return unanswered.sum();
  }

  /** Replies for requests that were no longer waiting (timed out or client gone). */
  public long lateReplies() {
    return lateReplies.sum();
  }

  /** Second replies for an already answered request (a retried task), dropped. */
  public long duplicateReplies() {
    return duplicateReplies.sum();
  }

  /** The counters by name, for query progress and metrics endpoints. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("received", received());
    m.put("answered", answered());
    m.put("rejectedQueueFull", rejectedFull());
    m.put("timedOut", timedOut());
    m.put("clientGone", clientGone());
    m.put("unanswered", unanswered());
    m.put("lateReplies", lateReplies());
    m.put("duplicateReplies", duplicateReplies());
    long n = answered();
    m.put("meanLatencyMicros", n == 0 ? 0 : latencyMicros.sum() / n);
    return m;
  }
}
