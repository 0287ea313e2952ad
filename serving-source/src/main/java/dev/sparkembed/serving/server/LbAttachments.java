package dev.sparkembed.serving.server;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide registry of {@link LbAttachment}s: one per server and balancer, shared by the
 * queries whose paths that server serves, closed when the last of them unregisters. The hooks are
 * {@link #attach} where a query's server starts and {@link #detach} where it stops. Executors (and
 * the driver when it serves itself).
 */
public final class LbAttachments {
  private static final Logger LOG = LoggerFactory.getLogger(LbAttachments.class);

  private static final Map<String, LbAttachment> BY_SERVER = new HashMap<>();
  private static final Map<String, String> SERVER_OF_TOKEN = new HashMap<>();
  private static final Map<String, ServingServers.Registration> REGISTRATION_OF_TOKEN =
      new HashMap<>();

  private LbAttachments() {}

  /**
   * Makes the registration's server reachable through the balancer at {@code lbHostPort}: its paths
   * are served on connections the server opens to the balancer's attach port.
   *
   * @param secret the deployment secret the balancer checks
   * @param label a name for the server at the balancer (the executor id)
   */
  public static void attach(
      ServingServers.Registration registration,
      String lbHostPort,
      String secret,
      String label,
      long requestReadTimeoutMs) {
    LbAttachment started = null;
    synchronized (LbAttachments.class) {
      if (SERVER_OF_TOKEN.containsKey(registration.token())) {
        return;
      }
      String key = registration.address() + ">" + lbHostPort;
      LbAttachment attachment = BY_SERVER.get(key);
      if (attachment == null) {
        attachment =
            new LbAttachment(
                lbHostPort, secret, registration.address(), label, requestReadTimeoutMs);
        BY_SERVER.put(key, attachment);
        started = attachment;
      }
      if (!attachment.routes().add(registration.route())) {
        LOG.warn("Path {} is already attached to {}", registration.path(), lbHostPort);
      }
      SERVER_OF_TOKEN.put(registration.token(), key);
      REGISTRATION_OF_TOKEN.put(registration.token(), registration);
    }
    if (started != null) {
      started.start();
    }
  }

  /**
   * The query of {@code token} stopped: its paths answer 503 with {@code reason} on the attach
   * connections too, and the attachment closes when no query of its server is left. Idempotent;
   * tokens that never attached are ignored.
   */
  public static void detach(String token, String reason) {
    LbAttachment toClose = null;
    synchronized (LbAttachments.class) {
      String key = SERVER_OF_TOKEN.remove(token);
      ServingServers.Registration reg = REGISTRATION_OF_TOKEN.remove(token);
      if (key == null) {
        return;
      }
      LbAttachment attachment = BY_SERVER.get(key);
      attachment.routes().retire(reg.route(), reason);
      if (attachment.routes().isEmpty()) {
        BY_SERVER.remove(key);
        toClose = attachment;
      }
    }
    if (toClose != null) {
      toClose.close();
    }
  }

  /** Attach connections of this JVM that finished their handshake (tests, diagnostics). */
  public static synchronized int attachedConnections() {
    return BY_SERVER.values().stream().mapToInt(LbAttachment::attachedConnections).sum();
  }
}
