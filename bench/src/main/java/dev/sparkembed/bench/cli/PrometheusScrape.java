package dev.sparkembed.bench.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Reads a service's Prometheus counters between two phases of a benchmark. */
final class PrometheusScrape {
  private PrometheusScrape() {}

  /** The service's Prometheus counters (name without labels -> value); empty if unreachable. */
  static Map<String, Double> counters(URI metricsUrl) {
    Map<String, Double> values = new HashMap<>();
    try {
      String text =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(metricsUrl).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (String line : text.split("\n")) {
        int space = line.lastIndexOf(' ');
        if (line.startsWith("#") || line.contains("{") || space < 0) {
          continue;
        }
        values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    } catch (IOException | NumberFormatException e) {
      // Metrics are extra information: the phase's numbers stand without them.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return values;
  }

  static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
    return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
  }
}
