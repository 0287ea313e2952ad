package dev.sparkembed.embed.service;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks a request's API key, from {@code Authorization: Bearer <key>} (OpenAI, Ollama clients) or
 * {@code api-key: <key>} (Azure OpenAI, SQL Server). Holds only the SHA-256 of the key, so what is
 * shipped to executors is not the key itself, and compares digests in constant time. Serializable;
 * used on the driver and on executors.
 */
public final class ApiKeyCheck implements Serializable {
  private static final ApiKeyCheck OPEN = new ApiKeyCheck(null);

  private final byte[] keyDigest;

  private ApiKeyCheck(byte[] keyDigest) {
    this.keyDigest = keyDigest;
  }

  /** A check for {@code key}; {@code null} or empty means no key is required. */
  public static ApiKeyCheck of(String key) {
    return key == null || key.isEmpty() ? OPEN : new ApiKeyCheck(sha256(key));
  }

  /**
   * The check for a key known only by its SHA-256 (hex, as {@link #digestHex} gives it); {@code
   * null} or empty means no key is required. Lets a server in another JVM check keys without being
   * given the key.
   */
  public static ApiKeyCheck fromDigestHex(String hex) {
    return hex == null || hex.isEmpty()
        ? OPEN
        : new ApiKeyCheck(java.util.HexFormat.of().parseHex(hex));
  }

  /** The key's SHA-256 in hex, or {@code ""} when no key is required. */
  public String digestHex() {
    return keyDigest == null ? "" : java.util.HexFormat.of().formatHex(keyDigest);
  }

  public boolean required() {
    return keyDigest != null;
  }

  /** Whether the request may pass: no key is required, or it sent the right one. */
  public boolean permits(ServiceRequest request) {
    if (keyDigest == null) {
      return true;
    }
    return matches(bearer(request.header("Authorization"))) | matches(request.header("api-key"));
  }

  private boolean matches(String candidate) {
    // Digests of equal length, compared without an early exit: no timing hint about the key.
    return candidate != null && MessageDigest.isEqual(keyDigest, sha256(candidate));
  }

  private static String bearer(String authorization) {
    if (authorization == null || authorization.length() < 7) {
      return null;
    }
    return authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).trim()
        : null;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
