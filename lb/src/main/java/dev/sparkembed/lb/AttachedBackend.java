package dev.sparkembed.lb;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The attach connections of one backend (one executor's server): requests go down the one with the
 * fewest in flight. When the last one closes, the backend leaves the pool at once, through {@link
 * AttachRegistry}. Read from every event loop of the balancer; membership changes are rare.
 */
final class AttachedBackend {

  private final BackendAddress address;
  private final AttachRegistry registry;
  private final List<AttachedConnection> connections = new CopyOnWriteArrayList<>();

  AttachedBackend(BackendAddress address, AttachRegistry registry) {
    this.address = address;
    this.registry = registry;
  }

  BackendAddress address() {
    return address;
  }

  /** The open connection with the fewest requests in flight, or null when none is left. */
  AttachedConnection pick() {
    AttachedConnection best = null;
    for (AttachedConnection c : connections) {
      if (c.channel().isActive() && (best == null || c.inFlight() < best.inFlight())) {
        best = c;
      }
    }
    return best;
  }

  int size() {
    return connections.size();
  }

  void add(AttachedConnection connection) {
    connections.add(connection);
  }

  /** A connection closed; the registry drops the backend when it was the last one. */
  void remove(AttachedConnection connection) {
    if (connections.remove(connection)) {
      registry.closed(this);
    }
  }

  boolean isEmpty() {
    return connections.isEmpty();
  }
}
