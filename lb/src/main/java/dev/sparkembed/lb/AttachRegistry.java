package dev.sparkembed.lb;

import io.netty.channel.Channel;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which backends are attached, and through which connections: a backend joins the pool with its
 * first attach connection and leaves it the moment its last one closes (an executor that dies
 * closes them all), so new requests go to the others at once. Lives in the balancer's JVM; called
 * from the attach connections' event loops.
 */
final class AttachRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(AttachRegistry.class);

  private final BackendPool pool;
  private final LbMetrics metrics;
  private final Map<BackendAddress, AttachedBackend> attached = new HashMap<>(); // guarded by this

  AttachRegistry(BackendPool pool, LbMetrics metrics) {
    this.pool = pool;
    this.metrics = metrics;
  }

  /** Makes {@code channel}, whose handshake passed, a connection of backend {@code address}. */
  synchronized AttachedConnection attach(
      BackendAddress address, String label, Channel channel, long pingTimeoutMs) {
    AttachedBackend backend = attached.get(address);
    if (backend == null) {
      backend = new AttachedBackend(address, this);
      attached.put(address, backend);
      pool.add(address, Backend.Source.ATTACHED, label);
      pool.get(address).attached(backend);
      LOG.info(
          "Backend {} (executor {}) attached from {}", address, label, channel.remoteAddress());
    }
    AttachedConnection connection = new AttachedConnection(channel, backend, pingTimeoutMs);
    backend.add(connection);
    metrics.attachConnectionOpened();
    return connection;
  }

  /** A connection of {@code backend} closed: the backend leaves with its last connection. */
  void closed(AttachedBackend backend) {
    metrics.attachConnectionClosed();
    synchronized (this) {
      if (!backend.isEmpty() || attached.get(backend.address()) != backend) {
        return;
      }
      attached.remove(backend.address());
      Backend member = pool.get(backend.address());
      if (member != null) {
        member.attached(null);
      }
      // Inside the lock: a new attach of the same address must not be removed with the old one.
      pool.remove(backend.address(), Backend.Source.ATTACHED);
    }
    LOG.info("Backend {} detached: its last attach connection closed", backend.address());
  }
}
