package dev.sparkembed.embed.service;

import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as the service sees it, taken from a request row on an executor.
 *
 * @param method the HTTP method
 * @param path the path without the query string
 * @param headers request headers; looked up case-insensitively
 * @param body the raw body, possibly empty
 */
public record ServiceRequest(String method, String path, Map<String, String> headers, byte[] body) {

  /** A header's value, whatever the case of its name; {@code null} when absent. */
  public String header(String name) {
    if (headers == null) {
      return null;
    }
    String value = headers.get(name);
    if (value != null) {
      return value;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().toLowerCase(Locale.ROOT).equals(lower)) {
        return e.getValue();
      }
    }
    return null;
  }
}
