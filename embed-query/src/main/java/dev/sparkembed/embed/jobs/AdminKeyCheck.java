package dev.sparkembed.embed.jobs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * Who may use the jobs API: the holder of the admin key ({@code --admin-key}), compared in constant
 * time; without a key, anyone only when the controller listens on loopback. The embeddings key
 * never grants it. Driver only.
 */
final class AdminKeyCheck {
  /** Flag and variable named in every refusal. */
  static final String FLAG = "--admin-key";

  static final String ENV = "SPARK_EMBED_ADMIN_KEY";

  private final byte[] digest;
  private final boolean openOnLoopback;

  /**
   * @param key the admin key, or null
   * @param loopback whether the controller is bound to a loopback address only
   */
  AdminKeyCheck(String key, boolean loopback) {
    this.digest = key == null || key.isEmpty() ? null : sha256(key);
    this.openOnLoopback = loopback;
  }

  /** 0 when allowed, else the status to answer (401 wrong or missing key, 403 no key set). */
  int refusal(Map<String, String> headers) {
    if (digest == null) {
      return openOnLoopback ? 0 : 403;
    }
    String auth = headers.get("authorization");
    String bearer =
        auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
            ? auth.substring(7).trim()
            : null;
    return matches(bearer) | matches(headers.get("x-admin-key")) ? 0 : 401;
  }

  static String message(int status) {
    return status == 403
        ? "The jobs API is off: this controller listens beyond loopback and was started without "
            + FLAG
            + " (env "
            + ENV
            + ")"
        : "Missing or wrong admin key (send Authorization: Bearer <admin key>; the embeddings"
            + " API key does not grant /jobs)";
  }

  private boolean matches(String candidate) {
    return candidate != null && MessageDigest.isEqual(digest, sha256(candidate));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
