package dev.sparkembed.serving.source;

import org.apache.spark.sql.connector.read.InputPartition;

/**
 * The requests numbered {@code from} (exclusive) to {@code to} (inclusive) of one queue: what one
 * micro-batch task reads. Only strings and numbers: the requests themselves are read on the
 * executor, from the queue directly when it is in the same JVM, else over the internal endpoint.
 * Built on the driver, read on an executor.
 */
final class HttpInputPartition implements InputPartition {
  private static final long serialVersionUID = 1L;

  private final String address;
  private final String token;
  private final String secret;
  private final long from;
  private final long to;
  private final String location;

  HttpInputPartition(
      String address, String token, String secret, long from, long to, String location) {
    this.address = address;
    this.token = token;
    this.secret = secret;
    this.from = from;
    this.to = to;
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

  long from() {
    return from;
  }

  long to() {
    return to;
  }

  @Override
  public String[] preferredLocations() {
    return location == null ? new String[0] : new String[] {location};
  }

  @Override
  public String toString() {
    return "HttpInputPartition{" + address + "/" + token + " (" + from + ", " + to + "]}";
  }
}
