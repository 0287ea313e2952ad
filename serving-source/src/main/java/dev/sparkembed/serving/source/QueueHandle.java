package dev.sparkembed.serving.source;

/**
 * The driver's view of one request queue of its query: where it is, how far it got, and the calls
 * that finish, commit and close it. Local (head mode, or local[*]) or remote (an executor's server
 * over the internal endpoints). Driver.
 */
interface QueueHandle {
  String token();

  /** {@code host:port} of the queue's server. */
  String address();

  /** The executor whose JVM holds the queue ("driver" in head mode). */
  String executorId();

  /** Spark task location string that prefers the queue's executor, or null for none. */
  String preferredLocation();

  /** Answers 500 to requests up to {@code upTo} that were read but not answered. */
  void finishUpTo(long upTo, String cause);

  /** Finishes, then forgets, requests up to {@code upTo}. */
  void commitUpTo(long upTo, String cause);

  /** Continuous: finishes, then forgets, lane {@code lane}'s taken requests up to {@code upTo}. */
  void commitLane(int lane, long upTo, String cause);

  /** Stops serving: waiting requests are answered 503 with {@code reason}. */
  void close(String reason);
}
