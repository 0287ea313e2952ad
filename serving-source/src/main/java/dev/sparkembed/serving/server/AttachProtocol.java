package dev.sparkembed.serving.server;

import dev.sparkembed.serving.conf.HttpServerOptions;
import java.nio.charset.StandardCharsets;

/**
 * The attach handshake, shared by both ends: an executor's server connects out to the load
 * balancer's attach port and sends one HTTP/1.1 upgrade request carrying the deployment secret and
 * the server's advertised address; the balancer answers {@code 101 Switching Protocols} and from
 * then on sends client requests down the connection (the executor side is the HTTP server), or
 * answers 403 and closes. Used in executors and in the balancer's JVM.
 */
public final class AttachProtocol {
  private AttachProtocol() {}

  /** The handshake's request path. */
  public static final String PATH = "/_lb/attach";

  /** The {@code Upgrade} token; the number changes when the protocol does. */
  public static final String UPGRADE = "spark-embed-attach/1";

  /** The deployment secret (same header as the internal endpoints). */
  public static final String SECRET_HEADER = HttpServerOptions.SECRET_HEADER;

  /** The server's advertised {@code host:port}: the backend's name at the balancer. */
  public static final String SERVER_HEADER = "X-Spark-Embed-Server";

  /** A label for the server (the executor id). */
  public static final String EXECUTOR_HEADER = "X-Spark-Embed-Executor";

  /** Most bytes the balancer's answer to the handshake may have before it is refused. */
  public static final int MAX_ANSWER_BYTES = 8192;

  /**
   * The handshake request's bytes.
   *
   * @throws IllegalArgumentException when a value could break the request's header lines
   */
  public static byte[] handshake(String lbHostPort, String secret, String server, String label) {
    StringBuilder b = new StringBuilder(256);
    b.append("GET ").append(PATH).append(" HTTP/1.1\r\n");
    header(b, "Host", lbHostPort);
    header(b, "Connection", "Upgrade");
    header(b, "Upgrade", UPGRADE);
    header(b, SECRET_HEADER, secret);
    header(b, SERVER_HEADER, server);
    header(b, EXECUTOR_HEADER, label);
    header(b, "Content-Length", "0");
    return b.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void header(StringBuilder b, String name, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException(
            "The attach header " + name + " holds a control character (value not shown)");
      }
    }
    b.append(name).append(": ").append(value).append("\r\n");
  }
}
