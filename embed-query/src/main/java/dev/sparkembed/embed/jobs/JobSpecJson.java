package dev.sparkembed.embed.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads the controller's JSON job spec: the batch command's options as fields, in camelCase or as
 * on the command line ({@code idColumn}, {@code id-column} and {@code id_column} are one field),
 * plus {@code pull}, {@code mode} and {@code connection}. A spec never carries a JDBC URL,
 * credentials or an environment variable's name: it names one of the connections the controller was
 * started with, and its files are paths inside the controller's data directory. Every problem
 * (unknown field, wrong type, and every option problem) is listed together. Driver only.
 */
public final class JobSpecJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Whether the job keeps its vectors as results ({@code GET /jobs/{id}/results}). */
  public record Parsed(BatchJobSpec spec, boolean pull) {}

  /** What the controller was started with: the databases and the folder jobs may use. */
  public record Context(JobConnections connections, DataDirectory data) {}

  /** Fields of the batch command that a request may not set: they choose hosts or secrets. */
  private static final List<String> SERVER_SIDE_ONLY =
      List.of("jdbcurl", "url", "user", "password", "passwordenv");

  private JobSpecJson() {}

  private static final Map<String, String> NAMES = new LinkedHashMap<>();
  private static final Map<String, BiConsumer<BatchJobSpec.Builder, Object>> SETTERS =
      new LinkedHashMap<>();

  static {
    text("table", BatchJobSpec.Builder::table);
    text("idColumn", BatchJobSpec.Builder::idColumn);
    text("textColumn", BatchJobSpec.Builder::textColumn);
    text("targetTable", BatchJobSpec.Builder::targetTable);
    text("embeddingColumn", BatchJobSpec.Builder::embeddingColumn);
    text("input", BatchJobSpec.Builder::input);
    text("output", BatchJobSpec.Builder::output);
    text("format", BatchJobSpec.Builder::format);
    text("model", BatchJobSpec.Builder::model);
    text("device", BatchJobSpec.Builder::device);
    add("incremental", (b, v) -> b.incremental((Boolean) v));
    add("partitions", (b, v) -> b.partitions((Integer) v));
    add("pull", (b, v) -> b.pull((Boolean) v));
    // Resolved in parse(): a connection name and what to do with an existing output.
    add("connection", (b, v) -> {});
    add("mode", (b, v) -> {});
  }

  private static void text(String name, BiConsumer<BatchJobSpec.Builder, String> setter) {
    add(name, (b, v) -> setter.accept(b, (String) v));
  }

  private static void add(String name, BiConsumer<BatchJobSpec.Builder, Object> setter) {
    NAMES.put(normalise(name), name);
    SETTERS.put(name, setter);
  }

  private static String normalise(String field) {
    return field.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
  }

  private static void connect(BatchJobSpec.Builder b, String name, JobConnections connections) {
    JobConnection c = connections.get(name);
    if (c == null) {
      throw new IllegalArgumentException(JobErrors.unknownConnection(name, connections.names()));
    }
    b.jdbcUrl(c.url()).user(c.user()).password(c.password());
  }

  private static boolean outputMode(String mode) {
    return switch (mode) {
      case "overwrite" -> true;
      case "error" -> false;
      default ->
          throw new IllegalArgumentException(
              JobErrors.badJobField("mode", mode, "\"overwrite\" or \"error\" (the default)"));
    };
  }

  /**
   * Parses and validates a job spec.
   *
   * @throws JobValidationException listing every problem
   */
  public static Parsed parse(byte[] body, Context context) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new JobValidationException(List.of(JobErrors.badJobJson(e.getOriginalMessage())));
    } catch (java.io.IOException e) {
      throw new JobValidationException(List.of(JobErrors.badJobJson(e.getMessage())));
    }
    if (root == null || !root.isObject()) {
      throw new JobValidationException(
          List.of(JobErrors.badJobJson("expected {\"table\": ..., \"idColumn\": ...}")));
    }
    List<String> problems = new ArrayList<>();
    BatchJobSpec.Builder b = BatchJobSpec.builder();
    boolean pull = false;
    Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String name = NAMES.get(normalise(f.getKey()));
      JsonNode v = f.getValue();
      if (SERVER_SIDE_ONLY.contains(normalise(f.getKey()))) {
        problems.add(JobErrors.serverSideOnly(f.getKey(), context.connections().names()));
        continue;
      }
      if (name == null) {
        problems.add(
            normalise(f.getKey()).equals("master")
                ? JobErrors.badJobField(
                    f.getKey(), v, "no master: jobs run on the controller's Spark session")
                : JobErrors.unknownJobField(f.getKey(), NAMES.values()));
        continue;
      }
      if (v.isNull()) {
        continue;
      }
      Object value;
      switch (name) {
        case "incremental", "pull" -> {
          if (!v.isBoolean()) {
            problems.add(JobErrors.badJobField(f.getKey(), v, "true or false"));
            continue;
          }
          value = v.booleanValue();
          if (name.equals("pull")) {
            pull = v.booleanValue();
          }
        }
        case "partitions" -> {
          if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            problems.add(JobErrors.badJobField(f.getKey(), v, "a whole number"));
            continue;
          }
          value = v.intValue();
        }
        default -> {
          if (!v.isTextual()) {
            problems.add(JobErrors.badJobField(f.getKey(), v, "a string"));
            continue;
          }
          value = v.textValue();
        }
      }
      try {
        switch (name) {
          case "connection" -> connect(b, (String) value, context.connections());
          case "mode" -> b.overwriteOutput(outputMode((String) value));
          case "input" -> b.input(context.data().resolve(f.getKey(), (String) value).toString());
          case "output" -> b.output(context.data().resolve(f.getKey(), (String) value).toString());
          default -> SETTERS.get(name).accept(b, value);
        }
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    try {
      BatchJobSpec spec = b.build();
      if (problems.isEmpty()) {
        return new Parsed(spec, pull);
      }
    } catch (JobValidationException e) {
      for (String p : e.problems()) {
        // The CLI's --jdbc-url is a job's "connection".
        if (p.startsWith("Missing option '--jdbc-url'")) {
          p = JobErrors.missingConnection(context.connections().names());
        } else if (p.equals(JobErrors.missingSource())) {
          p = JobErrors.missingJobSource();
        }
        if (!problems.contains(p)) {
          problems.add(p);
        }
      }
    }
    throw new JobValidationException(problems);
  }
}
