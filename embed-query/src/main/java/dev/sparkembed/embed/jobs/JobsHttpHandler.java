package dev.sparkembed.embed.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job API: {@code POST /jobs} (202 with the job, 400 listing every problem), {@code GET /jobs},
 * {@code GET /jobs/{id}}, {@code DELETE /jobs/{id}} (cancel), {@code GET /jobs/{id}/results} (a
 * pull job's vectors as JSON lines, streamed from its result files). Requires the API key when one
 * is set. Runs on the controller's HTTP threads (never on Spark's); driver only.
 */
final class JobsHttpHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(JobsHttpHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_SPEC_BYTES = 64 * 1024;

  private final JobController controller;
  private final byte[] apiKeyDigest;

  JobsHttpHandler(JobController controller, String apiKey) {
    this.controller = controller;
    this.apiKeyDigest = apiKey == null || apiKey.isEmpty() ? null : sha256(apiKey);
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getPath();
      LOG.debug("{} {}", method, path);
      if (!authorised(ex)) {
        error(ex, 401, "Missing or wrong API key (send Authorization: Bearer <key> or api-key)");
        return;
      }
      String[] parts = path.replaceAll("/+$", "").split("/");
      // "", "jobs", id, "results"
      if (parts.length == 2) {
        switch (method) {
          case "POST" -> submit(ex);
          case "GET" ->
              send(
                  ex,
                  200,
                  Map.of("jobs", controller.list().stream().map(JobRecord::toJson).toList()));
          default -> methodNotAllowed(ex, "GET, POST");
        }
      } else if (parts.length == 3) {
        JobRecord r = controller.get(parts[2]);
        if (r == null) {
          error(ex, 404, "No job '" + parts[2] + "'");
        } else if (method.equals("GET")) {
          send(ex, 200, r.toJson());
        } else if (method.equals("DELETE")) {
          send(ex, 202, controller.cancel(r.id()).toJson());
        } else {
          methodNotAllowed(ex, "GET, DELETE");
        }
      } else if (parts.length == 4 && parts[3].equals("results")) {
        if (!method.equals("GET")) {
          methodNotAllowed(ex, "GET");
          return;
        }
        results(ex, controller.get(parts[2]), parts[2]);
      } else {
        error(ex, 404, "No API at path '" + path + "'");
      }
    } catch (RuntimeException e) {
      LOG.warn("Job API request failed: {}", e.toString());
      error(ex, 500, "Internal error: " + e.getMessage());
    }
  }

  private void submit(HttpExchange ex) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(MAX_SPEC_BYTES + 1);
    }
    if (body.length > MAX_SPEC_BYTES) {
      error(ex, 413, "Job spec over " + MAX_SPEC_BYTES + " bytes");
      return;
    }
    JobSpecJson.Parsed parsed;
    try {
      parsed = JobSpecJson.parse(body);
    } catch (JobValidationException e) {
      Map<String, Object> err = new LinkedHashMap<>();
      err.put("message", e.getMessage());
      err.put("problems", e.problems());
      send(ex, 400, Map.of("error", err));
      return;
    }
    JobRecord r = controller.submit(parsed.spec(), parsed.pull());
    ex.getResponseHeaders().add("Location", "/jobs/" + r.id());
    send(ex, 202, r.toJson());
  }

  private void results(HttpExchange ex, JobRecord r, String id) throws IOException {
    if (r == null) {
      error(ex, 404, "No job '" + id + "'");
      return;
    }
    if (!r.pull()) {
      error(ex, 409, "Job '" + id + "' is not a pull job (submit it with \"pull\": true)");
      return;
    }
    if (r.state() != JobState.SUCCEEDED) {
      error(
          ex,
          409,
          "Job '" + id + "' is " + r.state().wireName() + "; its results come once it succeeded");
      return;
    }
    List<Path> parts;
    try (Stream<Path> files = Files.list(r.resultsDirectory())) {
      parts = files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
    }
    ex.getResponseHeaders().add("Content-Type", "application/x-ndjson");
    ex.sendResponseHeaders(200, 0);
    try (OutputStream out = ex.getResponseBody()) {
      for (Path p : parts) {
        // Streamed file by file: the controller never holds the results in memory.
        Files.copy(p, out);
      }
    }
  }

  private boolean authorised(HttpExchange ex) {
    if (apiKeyDigest == null) {
      return true;
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    String bearer =
        auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
            ? auth.substring(7).trim()
            : null;
    String header = ex.getRequestHeaders().getFirst("api-key");
    return matches(bearer) | matches(header);
  }

  private boolean matches(String candidate) {
    return candidate != null && MessageDigest.isEqual(apiKeyDigest, sha256(candidate));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void methodNotAllowed(HttpExchange ex, String allowed) throws IOException {
    ex.getResponseHeaders().add("Allow", allowed);
    error(ex, 405, "Method " + ex.getRequestMethod() + " not allowed (allowed: " + allowed + ")");
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    send(ex, status, Map.of("error", Map.of("message", message)));
  }

  private static void send(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
