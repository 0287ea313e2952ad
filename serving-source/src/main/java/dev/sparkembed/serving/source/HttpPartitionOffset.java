package dev.sparkembed.serving.source;

import org.apache.spark.sql.connector.read.streaming.PartitionOffset;

/**
 * Continuous: how far one reader got, the number of the last request it took from its lane. Sent
 * from the executor to the driver at each epoch.
 */
final class HttpPartitionOffset implements PartitionOffset {
  private static final long serialVersionUID = 1L;

  private final String token;
  private final int lane;
  private final long seq;

  HttpPartitionOffset(String token, int lane, long seq) {
    this.token = token;
    this.lane = lane;
    this.seq = seq;
  }

  /** The key of this lane in an {@link HttpOffset}. */
  static String key(String token, int lane) {
    return token + "#" + lane;
  }

  String key() {
    return key(token, lane);
  }

  long seq() {
    return seq;
  }
}
