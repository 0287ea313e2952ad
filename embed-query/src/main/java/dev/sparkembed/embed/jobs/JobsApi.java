package dev.sparkembed.embed.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkembed.serving.server.ExtensionRequest;
import dev.sparkembed.serving.server.ExtensionResponse;
import dev.sparkembed.serving.server.HttpReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job API on the controller's serving server: {@code POST /jobs} (202 with the job, 400 listing
 * every problem), {@code GET /jobs}, {@code GET /jobs/{id}}, {@code DELETE /jobs/{id}} (cancel),
 * {@code GET /jobs/{id}/results} (a pull job's vectors as JSON lines, streamed from its files).
 * Needs the admin key. Requests arrive on an event loop and are answered from one thread of this
 * API's own, so a slow database call never holds a connection's loop. Driver only.
 */
public final class JobsApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobsApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Spec bodies are small; the server refuses larger ones with 413 before reading them. */
  public static final int MAX_SPEC_BYTES = 64 * 1024;

  public static final List<String> PATHS = List.of("/jobs", "/jobs/{id}", "/jobs/{id}/results");

  private final JobController controller;
  private final AdminKeyCheck admin;
  private final JobSpecJson.Context context;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "spark-embed-jobs-api");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param adminKey the key {@code /jobs} needs, or null
   * @param loopback whether the server listens on loopback only (then no key is needed)
   */
  public JobsApi(
      JobController controller, String adminKey, boolean loopback, JobSpecJson.Context context) {
    this.controller = controller;
    this.admin = new AdminKeyCheck(adminKey, loopback);
    this.context = context;
  }

  /** Event loop: checks the key at once, then hands the work to this API's thread. */
  void handle(ExtensionRequest request, ExtensionResponse response) {
    int refusal = admin.refusal(request.headers());
    if (refusal != 0) {
      response.send(error(refusal, AdminKeyCheck.message(refusal)));
      return;
    }
    try {
      thread.execute(
          () -> {
            HttpReply reply = answerSafely(request, response);
            if (reply != null) {
              response.send(reply);
            }
          });
    } catch (RejectedExecutionException e) {
      response.send(error(503, "The controller is stopping"));
    }
  }

  private HttpReply answerSafely(ExtensionRequest request, ExtensionResponse response) {
    try {
      return answer(request, response);
    } catch (RuntimeException | IOException e) {
      LOG.warn("Job API request failed: {}", e.toString());
      return error(500, "Internal error: " + e.getMessage());
    }
  }

  /** The reply, or null when the answer was streamed through {@code response} already. */
  private HttpReply answer(ExtensionRequest request, ExtensionResponse response)
      throws IOException {
    String method = request.method();
    String[] parts = request.path().split("/"); // "", "jobs", id, "results"
    if (parts.length == 2) {
      return switch (method) {
        case "POST" -> submit(request.body());
        case "GET" ->
            json(200, Map.of("jobs", controller.list().stream().map(JobRecord::toJson).toList()));
        default -> methodNotAllowed(method, "GET, POST");
      };
    }
    JobRecord r = controller.get(parts[2]);
    if (r == null) {
      return error(404, "No job '" + parts[2] + "'");
    }
    if (parts.length == 4) {
      return method.equals("GET") ? results(r, response) : methodNotAllowed(method, "GET");
    }
    return switch (method) {
      case "GET" -> json(200, r.toJson());
      case "DELETE" -> json(202, controller.cancel(r.id()).toJson());
      default -> methodNotAllowed(method, "GET, DELETE");
    };
  }

  private HttpReply submit(byte[] body) {
    JobSpecJson.Parsed parsed;
    try {
      parsed = JobSpecJson.parse(body, context);
    } catch (JobValidationException e) {
      Map<String, Object> err = new LinkedHashMap<>();
      err.put("message", e.getMessage());
      err.put("problems", e.problems());
      return json(400, Map.of("error", err));
    }
    JobRecord r = controller.submit(parsed.spec(), parsed.pull());
    HttpReply accepted = json(202, r.toJson());
    Map<String, String> headers = new LinkedHashMap<>(accepted.headers());
    headers.put("location", "/jobs/" + r.id());
    return new HttpReply(202, headers, accepted.body());
  }

  private HttpReply results(JobRecord r, ExtensionResponse response) throws IOException {
    if (!r.pull()) {
      return error(409, "Job '" + r.id() + "' is not a pull job (submit it with \"pull\": true)");
    }
    if (r.state() != JobState.SUCCEEDED) {
      return error(
          409,
          "Job '"
              + r.id()
              + "' is "
              + r.state().wireName()
              + "; its results come once it succeeded");
    }
    List<Path> parts;
    try (Stream<Path> files = Files.list(r.resultsDirectory())) {
      parts = files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
    }
    // Streamed file by file: the controller never holds the results in memory.
    response.sendFiles(200, Map.of("content-type", "application/x-ndjson"), parts);
    return null;
  }

  private static HttpReply methodNotAllowed(String method, String allowed) {
    HttpReply e = error(405, "Method " + method + " not allowed (allowed: " + allowed + ")");
    return new HttpReply(405, Map.of("content-type", HttpReply.JSON, "allow", allowed), e.body());
  }

  static HttpReply error(int status, String message) {
    return json(status, Map.of("error", Map.of("message", message)));
  }

  private static HttpReply json(int status, Object body) {
    try {
      return new HttpReply(
          status, Map.of("content-type", HttpReply.JSON), JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
