package dev.sparkembed.bench;

/** Why one request of a load run did not count as a good reply. */
public enum ErrorKind {
  /** The TCP connection could not be opened. */
  CONNECT("connect"),
  /** No reply within the per-request timeout; the connection is closed and reopened. */
  TIMEOUT("timeout"),
  /** A reply with a status other than 200. */
  STATUS("status"),
  /** Status 200 but not the body this request expects (e.g. another request's reply). */
  WRONG_BODY("wrong-body"),
  /** The connection closed while the request waited for its reply. */
  CLOSED("closed");

  private final String label;

  ErrorKind(String label) {
    this.label = label;
  }

  /** The short name used in tables and JSON. */
  public String label() {
    return label;
  }
}
