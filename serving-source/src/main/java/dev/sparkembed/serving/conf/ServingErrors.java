package dev.sparkembed.serving.conf;

import java.util.Locale;

/**
 * Builds every user-facing error of the serving modules, so messages share one shape: what was
 * wrong, the bad value, and what was expected. Runs on the driver and on executors.
 */
public final class ServingErrors {
  private ServingErrors() {}

  /** {@code Invalid option 'port': -1 (expected 1-65535)}. */
  public static IllegalArgumentException invalidOption(String key, Object value, String expected) {
    return new IllegalArgumentException(
        String.format(Locale.ROOT, "Invalid option '%s': %s (expected %s)", key, value, expected));
  }

  public static IllegalArgumentException missingOption(String key, String expected) {
    return new IllegalArgumentException(
        String.format(Locale.ROOT, "Missing option '%s' (expected %s)", key, expected));
  }

  /** An option that the query's mode would ignore: refused at start, never silently dropped. */
  public static IllegalArgumentException optionNotForMode(String key, String mode) {
    return new IllegalArgumentException(
        String.format(
            Locale.ROOT, "Option '%s' does not apply to mode '%s' (remove it)", key, mode));
  }

  public static IllegalStateException pathTaken(String host, int port, String path) {
    return new IllegalStateException(
        String.format(
            Locale.ROOT,
            "Path '%s' on %s:%d is already served by another running query"
                + " (expected one query per path and port)",
            path,
            host,
            port));
  }

  public static IllegalStateException bindFailed(String host, int port, Throwable cause) {
    return new IllegalStateException(
        String.format(
            Locale.ROOT,
            "Cannot start the HTTP server on %s:%d: %s (expected a free port on a local address)",
            host,
            port,
            cause.getMessage()),
        cause);
  }

  public static IllegalArgumentException badExtension(String className, Throwable cause) {
    return new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "Invalid option 'extension': %s (expected a public class implementing"
                + " dev.sparkembed.serving.server.ServerExtension with a public no-argument"
                + " constructor; %s)",
            className,
            cause),
        cause);
  }

  public static IllegalStateException tlsMismatch(String host, int port, boolean serverHasTls) {
    return new IllegalStateException(
        String.format(
            Locale.ROOT,
            "The server on %s:%d already serves %s for another query (expected the same"
                + " tlsCert/tlsKey options for every query on one port)",
            host,
            port,
            serverHasTls ? "HTTPS" : "plain HTTP"));
  }

  public static IllegalArgumentException invalidTls(String cert, String key, Throwable cause) {
    return new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "Invalid options 'tlsCert'/'tlsKey': %s, %s (expected a PEM certificate chain and its"
                + " PEM PKCS#8 private key; %s)",
            cert,
            key,
            cause.getMessage()),
        cause);
  }

  public static IllegalArgumentException invalidSchema(String what, Object value, String expected) {
    return new IllegalArgumentException(
        String.format(Locale.ROOT, "Invalid %s: %s (expected %s)", what, value, expected));
  }

  public static IllegalArgumentException unsupportedOffset(String json) {
    return new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "Invalid httpserver offset in the checkpoint: %s (expected JSON with \"version\":1)",
            json));
  }
}
