package dev.sparkembed.serving.source;

import org.apache.spark.sql.connector.read.InputPartition;

/**
 * Continuous: one reader of one lane of one queue, for the life of the query. Strings and numbers
 * only. Built on the driver, read on an executor.
 *
 * @param location the executor host to prefer, or null
 */
record HttpContinuousInputPartition(
    String address, String token, String secret, int lane, long start, String location)
    implements InputPartition {

  @Override
  public String[] preferredLocations() {
    return location == null ? new String[0] : new String[] {location};
  }

  /** Names the queue and lane, never the secret. */
  @Override
  public String toString() {
    return "HttpContinuousInputPartition{" + address + "/" + token + "#" + lane + "}";
  }
}
