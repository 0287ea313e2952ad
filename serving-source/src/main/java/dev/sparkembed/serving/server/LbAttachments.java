package dev.sparkembed.serving.server;

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

  // In the JVM's ServingRegistry: attachments by server, and each attached queue's server.
  private static final ServingRegistry.Table<String, LbAttachment> BY_SERVER =
      new ServingRegistry.Table<>("lb attachments by server");
  private static final ServingRegistry.Table<String, String> SERVER_OF_TOKEN =
      new ServingRegistry.Table<>("lb-attached queues' servers");
  private static final ServingRegistry.Table<String, ServingServers.Registration>
      REGISTRATION_OF_TOKEN = new ServingRegistry.Table<>("lb-attached queues");
  private static final ServingRegistry REGISTRY = ServingRegistry.jvm();

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
      if (REGISTRY.get(SERVER_OF_TOKEN, registration.token()) != null) {
        return;
      }
      String key = registration.address() + ">" + lbHostPort;
      LbAttachment attachment = REGISTRY.get(BY_SERVER, key);
      if (attachment == null) {
        attachment =
            new LbAttachment(
                lbHostPort, secret, registration.address(), label, requestReadTimeoutMs);
        REGISTRY.put(BY_SERVER, key, attachment);
        started = attachment;
      }
      if (!attachment.routes().add(registration.route())) {
        LOG.warn("Path {} is already attached to {}", registration.path(), lbHostPort);
      }
      REGISTRY.put(SERVER_OF_TOKEN, registration.token(), key);
      REGISTRY.put(REGISTRATION_OF_TOKEN, registration.token(), registration);
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
      String key = REGISTRY.remove(SERVER_OF_TOKEN, token);
      ServingServers.Registration reg = REGISTRY.remove(REGISTRATION_OF_TOKEN, token);
      if (key == null) {
        return;
      }
      LbAttachment attachment = REGISTRY.get(BY_SERVER, key);
      attachment.routes().retire(reg.route(), reason);
      if (attachment.routes().isEmpty()) {
        REGISTRY.remove(BY_SERVER, key);
        toClose = attachment;
      }
    }
    if (toClose != null) {
      toClose.close();
    }
  }

  /** Attach connections of this JVM that finished their handshake (tests, diagnostics). */
  public static synchronized int attachedConnections() {
    return REGISTRY.values(BY_SERVER).stream().mapToInt(LbAttachment::attachedConnections).sum();
  }
}
