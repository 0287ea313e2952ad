package dev.sparkembed.serving.source;

import org.apache.spark.sql.connector.read.InputPartition;

/**
 * Continuous: one reader of one lane of one queue, for the life of the query. Strings and numbers
 * only. Built on the driver, read on an executor.
 */
final class HttpContinuousInputPartition implements InputPartition {
  private static final long serialVersionUID = 1L;

  private final String address;
  private final String token;
  private final String secret;
  private final int lane;
  private final long start;
  private final String location;

  HttpContinuousInputPartition(
      String address, String token, String secret, int lane, long start, String location) {
    this.address = address;
    this.token = token;
    this.secret = secret;
    this.lane = lane;
    this.start = start;
    this.location = location;
  }

  String address() {
    return address;
  }

  String token() {
    return token;
  }

  String secret() {
    return secret;
  }

  int lane() {
    return lane;
  }

  long start() {
    return start;
  }

  @Override
  public String[] preferredLocations() {
    return location == null ? new String[0] : new String[] {location};
  }

  @Override
  public String toString() {
    return "HttpContinuousInputPartition{" + address + "/" + token + "#" + lane + "}";
  }
}
