package dev.sparkembed.embed.jobs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Forwards every non-job request to the embedding service ({@code serve}'s streaming query, bound
 * to a loopback port of the same JVM) and copies its answer back, so the controller's one port
 * serves the embedding endpoints and the job API. Runs on the controller's HTTP threads; driver
 * only.
 */
final class ServiceProxyHandler implements HttpHandler {
  private static final List<String> FORWARDED =
      List.of("Content-Type", "Authorization", "api-key", "Accept");

  private final URI service;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ServiceProxyHandler(URI service) {
    this.service = service;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      URI uri =
          service.resolve(
              ex.getRequestURI().getRawPath()
                  + (ex.getRequestURI().getRawQuery() == null
                      ? ""
                      : "?" + ex.getRequestURI().getRawQuery()));
      HttpRequest.Builder req =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofMinutes(2))
              .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      for (String h : FORWARDED) {
        String v = ex.getRequestHeaders().getFirst(h);
        if (v != null) {
          req.header(h, v);
        }
      }
      HttpResponse<byte[]> resp;
      try {
        resp = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reply(ex, 503, Map.of("Content-Type", List.of("application/json")), unavailable());
        return;
      } catch (IOException e) {
        reply(ex, 503, Map.of("Content-Type", List.of("application/json")), unavailable());
        return;
      }
      reply(ex, resp.statusCode(), resp.headers().map(), resp.body());
    }
  }

  private static byte[] unavailable() {
    return "{\"error\":{\"message\":\"The embedding service is not available\"}}".getBytes();
  }

  private static void reply(
      HttpExchange ex, int status, Map<String, List<String>> headers, byte[] body)
      throws IOException {
    headers.forEach(
        (k, v) -> {
          if (k.equalsIgnoreCase("content-type")
              || k.equalsIgnoreCase("retry-after")
              || k.equalsIgnoreCase("allow")) {
            v.forEach(value -> ex.getResponseHeaders().add(k, value));
          }
        });
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
