package dev.sparkembed.serving.server;

import java.util.List;
import java.util.Set;

/**
 * What the API paths of one query on a server lead to: the query's {@link RequestQueue}, or (on the
 * driver of a distributed query) only its {@link ServerDirectory}; and optionally the query's
 * {@link ServerExtension}, which answers its own GET paths. Immutable; lives in the server's JVM.
 */
record Route(
    List<String> paths,
    RequestQueue queue,
    ServerDirectory directory,
    String secret,
    int maxBodyBytes,
    Set<String> methods,
    ServerExtension extension) {

  /** The first path: how logs and registrations name the route. */
  String path() {
    return paths.get(0);
  }

  /** Whether {@code path} is one the extension answers itself. */
  boolean isLocal(String path) {
    return extension != null && extension.localPaths().contains(path);
  }

  /** Whether {@code path} matches one of the paths the extension handles itself (any method). */
  boolean isHandled(String path) {
    if (extension == null) {
      return false;
    }
    for (String template : extension.handledPaths()) {
      if (RouteTable.pattern(template).matcher(path).matches()) {
        return true;
      }
    }
    return false;
  }

  /** Every path this route claims on its server: the query's, then the extension's. */
  List<String> allPaths() {
    if (extension == null) {
      return paths;
    }
    List<String> all = new java.util.ArrayList<>(paths);
    all.addAll(extension.localPaths());
    all.addAll(extension.handledPaths());
    return all;
  }

  boolean secretMatches(String candidate) {
    return candidate != null
        && java.security.MessageDigest.isEqual(
            secret.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            candidate.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
