package dev.sparkembed.lb;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Reads the driver's published server list, {@code GET <driver>/_spark-embed/servers}, shaped
 * {@code {"servers":[{"host":"10.0.0.5","port":8889,"executorId":"1"}]}}. Runs in the balancer's
 * JVM, on its event loops. The driver answers only with the query's secret, sent when the balancer
 * has one.
 */
final class HttpBackendSource implements BackendSource {

  /** The header the driver's internal endpoints require (same as the serving servers'). */
  static final String SECRET_HEADER = "X-Spark-Embed-Secret";

  private static final int MAX_LIST_BYTES = 4 * 1024 * 1024;

  private final URI url;
  private final HttpProbe probe;
  private final Duration timeout;
  private final Map<String, String> headers;

  HttpBackendSource(URI url, HttpProbe probe, Duration timeout, Optional<String> secret) {
    this.url = url;
    this.probe = probe;
    this.timeout = timeout;
    this.headers = secret.map(s -> Map.of(SECRET_HEADER, s)).orElse(Map.of());
  }

  @Override
  public CompletionStage<Map<BackendAddress, String>> servers() {
    int port = url.getPort() == -1 ? 80 : url.getPort();
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path = path + "?" + url.getRawQuery();
    }
    return probe
        .get(url.getHost(), port, path, timeout, MAX_LIST_BYTES, headers)
        .thenApply(
            response -> {
              if (response.status() != 200) {
                throw new IllegalStateException(url + " answered " + response.status());
              }
              return parse(response.body());
            });
  }

  /** Parses the server list; any malformed entry fails the whole list (the last one is kept). */
  static Map<BackendAddress, String> parse(String json) {
    JsonNode root;
    try {
      root = LbErrors.JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException("server list is not JSON: " + e.getMessage(), e);
    }
    JsonNode servers = root == null ? null : root.get("servers");
    if (servers == null || !servers.isArray()) {
      throw new IllegalArgumentException(
          "server list has no \"servers\" array: " + abbreviate(json));
    }
    Map<BackendAddress, String> result = new LinkedHashMap<>();
    for (JsonNode server : servers) {
      JsonNode host = server.get("host");
      JsonNode port = server.get("port");
      if (host == null || !host.isTextual() || port == null || !port.canConvertToInt()) {
        throw new IllegalArgumentException(
            "server entry needs \"host\" (string) and \"port\" (number): " + server);
      }
      JsonNode label = server.get("executorId");
      result.put(
          new BackendAddress(host.asText(), port.asInt()),
          label == null || label.isNull() ? null : label.asText());
    }
    return result;
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  @Override
  public String toString() {
    return url.toString();
  }
}
