package dev.sparkembed.serving.server;

import java.util.Set;

/**
 * What one API path of a server leads to: the query's {@link RequestQueue}, or (on the driver of a
 * distributed query) only its {@link ServerDirectory}. Immutable; lives in the server's JVM.
 */
record Route(
    String path,
    RequestQueue queue,
    ServerDirectory directory,
    String secret,
    int maxBodyBytes,
    Set<String> methods) {

  boolean secretMatches(String candidate) {
    return candidate != null
        && java.security.MessageDigest.isEqual(
            secret.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            candidate.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
