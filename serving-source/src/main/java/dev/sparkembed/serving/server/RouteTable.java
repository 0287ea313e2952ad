package dev.sparkembed.serving.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The API paths one server serves, shared by its connections: exact paths, and templates whose
 * {@code {name}} segments match any one segment. Thread-safe.
 */
final class RouteTable {
  /**
   * Body limit for internal endpoints: batches of forwarded replies, which the sink keeps to a few
   * MiB (one reply of the largest request allowed fits). Read only after the secret was checked.
   */
  static final int INTERNAL_BODY_LIMIT = 32 << 20;

  static final int UNKNOWN_PATH_BODY_LIMIT = 64 << 10;

  private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();
  private final List<Template> templates = new CopyOnWriteArrayList<>();

  /** Paths of stopped queries (as patterns) and why: answered 503 until the server closes. */
  private final Map<Pattern, String> retired = new ConcurrentHashMap<>();

  /** A path with {@code {name}} segments, as given and as a pattern. */
  private record Template(String path, Pattern pattern, Route route) {}

  Route get(String path) {
    Route exact = routes.get(path);
    if (exact != null || templates.isEmpty()) {
      return exact;
    }
    for (Template t : templates) {
      if (t.pattern().matcher(path).matches()) {
        return t.route();
      }
    }
    return null;
  }

  /** Adds a route's paths; false (and nothing added) if another query holds one of them. */
  synchronized boolean add(Route route) {
    List<String> paths = route.allPaths();
    for (String p : paths) {
      if (routes.containsKey(p) || templates.stream().anyMatch(t -> t.path().equals(p))) {
        return false;
      }
    }
    for (String p : paths) {
      retired.keySet().removeIf(k -> k.matcher(p).matches());
      if (p.contains("{")) {
        templates.add(new Template(p, pattern(p), route));
      } else {
        routes.put(p, route);
      }
    }
    return true;
  }

  synchronized void remove(Route route) {
    routes.values().removeIf(r -> r == route);
    templates.removeIf(t -> t.route() == route);
  }

  /**
   * Removes a stopping query's route; until the server closes (or another query takes a path), its
   * paths answer 503 with {@code reason}, never 404.
   */
  synchronized void retire(Route route, String reason) {
    remove(route);
    for (String p : route.allPaths()) {
      retired.put(pattern(p), reason);
    }
  }

  /** Why a path stopped being served, or null if it never was (or is served again). */
  String retiredReason(String path) {
    for (Map.Entry<Pattern, String> e : retired.entrySet()) {
      if (e.getKey().matcher(path).matches()) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * Whether an internal request may be read: health is open, everything else needs the secret of
   * one of this server's queries (which one, the endpoint checks again).
   */
  boolean internalSecretAccepted(String path, String secret) {
    if (path.equals(
        dev.sparkembed.serving.conf.HttpServerOptions.INTERNAL_PREFIX + InternalEndpoints.HEALTH)) {
      return true;
    }
    if (secret == null) {
      return false;
    }
    for (Route r : all()) {
      if (r.secret() != null && r.secretMatches(secret)) {
        return true;
      }
    }
    return false;
  }

  /** The first extension's error shape for {@code path} (e.g. OpenAI's envelope), or null. */
  HttpReply extensionError(String path, int status, String message) {
    Route own = get(path);
    if (own != null && own.extension() != null) {
      return own.extension().error(path, status, message);
    }
    for (Route r : all()) {
      if (r.extension() != null) {
        HttpReply reply = r.extension().error(path, status, message);
        if (reply != null) {
          return reply;
        }
      }
    }
    return null;
  }

  boolean isEmpty() {
    return routes.isEmpty() && templates.isEmpty();
  }

  Collection<Route> all() {
    LinkedHashSet<Route> all = new LinkedHashSet<>(routes.values());
    templates.forEach(t -> all.add(t.route()));
    return new ArrayList<>(all);
  }

  /** Whether {@code route} is (still) this table's. */
  boolean contains(Route route) {
    return routes.containsValue(route) || templates.stream().anyMatch(t -> t.route() == route);
  }

  int bodyLimit(String path) {
    if (path.startsWith(dev.sparkembed.serving.conf.HttpServerOptions.INTERNAL_PREFIX)) {
      return INTERNAL_BODY_LIMIT;
    }
    Route r = get(path);
    if (r == null) {
      return UNKNOWN_PATH_BODY_LIMIT;
    }
    return r.isHandled(path) ? r.extension().handledBodyLimit() : r.maxBodyBytes();
  }

  /** {@code /a/{x}/b} becomes {@code \Q/a/\E[^/]+\Q/b\E}. */
  static Pattern pattern(String template) {
    StringBuilder regex = new StringBuilder();
    for (String segment : template.substring(1).split("/", -1)) {
      regex.append('/');
      regex.append(segment.startsWith("{") ? "[^/]+" : Pattern.quote(segment));
    }
    return Pattern.compile(regex.toString());
  }

  /** For tests: the templates' patterns by path. */
  Map<String, String> templatePatterns() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    templates.forEach(t -> m.put(t.path(), t.pattern().pattern()));
    return m;
  }
}
