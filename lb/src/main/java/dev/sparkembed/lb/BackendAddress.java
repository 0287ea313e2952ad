package dev.sparkembed.lb;

import dev.sparkembed.serving.conf.ServingErrors;
import java.util.Objects;

/**
 * Where a backend server listens: a host name or IP literal and a TCP port. Used by the balancer
 * (standalone or on the driver) and by whoever registers executor servers with it.
 */
public record BackendAddress(String host, int port) {

  public BackendAddress {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw LbErrors.invalidField("host", "\"" + host + "\"", "a host name or IP address");
    }
    if (port < 1 || port > 65535) {
      throw LbErrors.invalidField("port", port, "1-65535");
    }
  }

  /**
   * Parses {@code host:port} (IPv6 as {@code [::1]:8080}); errors name {@code option}, the option
   * or field the text came from.
   */
  public static BackendAddress parse(String option, String text) {
    String expected = "host:port, e.g. 127.0.0.1:8889";
    if (text == null) {
      throw ServingErrors.invalidOption(option, null, expected);
    }
    String trimmed = text.trim();
    int colon = trimmed.lastIndexOf(':');
    if (colon <= 0 || colon == trimmed.length() - 1) {
      throw ServingErrors.invalidOption(option, text, expected);
    }
    String host = trimmed.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw ServingErrors.invalidOption(option, text, "host:port with IPv6 hosts in brackets");
    }
    int port;
    try {
      port = Integer.parseInt(trimmed.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw ServingErrors.invalidOption(option, text, expected);
    }
    if (host.isBlank() || port < 1 || port > 65535) {
      throw ServingErrors.invalidOption(option, text, "host:port with a port in 1-65535");
    }
    return new BackendAddress(host, port);
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
