package dev.sparkembed.embed.api;

import java.util.Map;

/**
 * The service's part of each {@code httpserver} server: answers the GET endpoints ({@link
 * InfoEndpoints}) on the server's event loop, without a Spark batch, and counts every answered
 * request in {@link ServiceMetrics}. Instantiated by the server in its own JVM (the driver in head
 * mode, each executor in distributed mode) from the source's options.
 */
public final class ServiceServerExtension {
  /** Source option: SHA-256 (hex) of the API key, empty for an open service. */
  public static final String API_KEY_SHA256 = "service.apiKeySha256";

  private ServiceServerExtension() {}

  /** The source options this extension reads. */
  static Map<String, String> options(ServiceConf conf) {
    return Map.of(API_KEY_SHA256, conf.apiKeyCheck().digestHex());
  }
}
