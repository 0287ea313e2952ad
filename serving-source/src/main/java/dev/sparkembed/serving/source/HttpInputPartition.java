package dev.sparkembed.serving.source;

import org.apache.spark.sql.connector.read.InputPartition;

/**
 * The requests numbered {@code from} (exclusive) to {@code to} (inclusive) of one queue: what one
 * micro-batch task reads. Only strings and numbers: the requests themselves are read on the
 * executor, from the queue directly when it is in the same JVM, else over the internal endpoint.
 * Built on the driver, read on an executor.
 *
 * @param location the executor host to prefer, or null
 */
record HttpInputPartition(
    String address, String token, String secret, long from, long to, String location)
    implements InputPartition {

  @Override
  public String[] preferredLocations() {
    return location == null ? new String[0] : new String[] {location};
  }

  /** Names the queue and the range, never the secret. */
  @Override
  public String toString() {
    return "HttpInputPartition{" + address + "/" + token + " (" + from + ", " + to + "]}";
  }
}
