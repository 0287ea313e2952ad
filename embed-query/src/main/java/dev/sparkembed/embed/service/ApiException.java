package dev.sparkembed.embed.service;

/**
 * A request the service refuses, with the HTTP status and the fields OpenAI's error envelope
 * carries ({@code param}, {@code code}). Each wire format renders it in its own shape. Built only
 * by {@link ApiErrors}. Thrown and caught on whichever JVM parses the request (driver or executor).
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String type;
  private final String param;
  private final String code;

  ApiException(int status, String type, String message, String param, String code) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }

  /** OpenAI's error {@code type}: {@code invalid_request_error} or {@code server_error}. */
  public String type() {
    return type;
  }

  /** The request field at fault, or {@code null}. */
  public String param() {
    return param;
  }

  /** A machine-readable code such as {@code invalid_api_key}, or {@code null}. */
  public String code() {
    return code;
  }
}
