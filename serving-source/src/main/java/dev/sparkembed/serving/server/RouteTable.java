package dev.sparkembed.serving.server;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/** The API paths one server serves, shared by its connections. Thread-safe. */
final class RouteTable {
  /** Body limit for internal endpoints (batches of forwarded replies) and unknown paths. */
  static final int INTERNAL_BODY_LIMIT = 256 << 20;

  static final int UNKNOWN_PATH_BODY_LIMIT = 64 << 10;

  private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();

  Route get(String path) {
    return routes.get(path);
  }

  /** Adds a path; false if another query holds it. */
  boolean add(Route route) {
    return routes.putIfAbsent(route.path(), route) == null;
  }

  void remove(Route route) {
    routes.remove(route.path(), route);
  }

  boolean isEmpty() {
    return routes.isEmpty();
  }

  Collection<Route> all() {
    return routes.values();
  }

  int bodyLimit(String path) {
    if (path.startsWith(dev.sparkembed.serving.conf.HttpServerOptions.INTERNAL_PREFIX)) {
      return INTERNAL_BODY_LIMIT;
    }
    Route r = routes.get(path);
    return r == null ? UNKNOWN_PATH_BODY_LIMIT : r.maxBodyBytes();
  }
}
