package dev.sparkembed.serviceit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Plain {@code java.net.http} calls with JSON bodies, for the endpoints without an SDK. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;
  private final ServiceProcess service;

  Http(HttpClient client, ServiceProcess service) {
    this.client = client;
    this.service = service;
  }

  record Reply(int status, String contentType, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("Not JSON (status " + status + "): " + body, e);
      }
    }
  }

  Reply get(String path, String... headers) {
    return send(base(path, headers).GET().build());
  }

  Reply post(String path, String body, String... headers) {
    return send(
        base(path, headers)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build());
  }

  private HttpRequest.Builder base(String path, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(service.uri(path)).timeout(Duration.ofSeconds(60));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  Reply send(HttpRequest request) {
    try {
      HttpResponse<String> r =
          client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Reply(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static URI uri(String s) {
    return URI.create(s);
  }
}
