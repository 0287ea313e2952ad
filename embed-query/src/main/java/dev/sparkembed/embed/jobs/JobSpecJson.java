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
 * plus {@code pull} and {@code password}. Every problem (unknown field, wrong type, and every
 * option problem) is listed together. Driver only.
 */
public final class JobSpecJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Whether the job keeps its vectors as results ({@code GET /jobs/{id}/results}). */
  public record Parsed(BatchJobSpec spec, boolean pull) {}

  private JobSpecJson() {}

  private static final Map<String, String> NAMES = new LinkedHashMap<>();
  private static final Map<String, BiConsumer<BatchJobSpec.Builder, Object>> SETTERS =
      new LinkedHashMap<>();

  static {
    text("jdbcUrl", BatchJobSpec.Builder::jdbcUrl);
    text("table", BatchJobSpec.Builder::table);
    text("idColumn", BatchJobSpec.Builder::idColumn);
    text("textColumn", BatchJobSpec.Builder::textColumn);
    text("targetTable", BatchJobSpec.Builder::targetTable);
    text("embeddingColumn", BatchJobSpec.Builder::embeddingColumn);
    text("user", BatchJobSpec.Builder::user);
    text("password", BatchJobSpec.Builder::password);
    text("passwordEnv", BatchJobSpec.Builder::passwordEnv);
    text("input", BatchJobSpec.Builder::input);
    text("output", BatchJobSpec.Builder::output);
    text("format", BatchJobSpec.Builder::format);
    text("model", BatchJobSpec.Builder::model);
    text("device", BatchJobSpec.Builder::device);
    add("incremental", (b, v) -> b.incremental((Boolean) v));
    add("partitions", (b, v) -> b.partitions((Integer) v));
    add("pull", (b, v) -> b.pull((Boolean) v));
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

  /**
   * Parses and validates a job spec.
   *
   * @throws JobValidationException listing every problem
   */
  public static Parsed parse(byte[] body) {
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
      SETTERS.get(name).accept(b, value);
    }
    try {
      BatchJobSpec spec = b.build();
      if (problems.isEmpty()) {
        return new Parsed(spec, pull);
      }
    } catch (JobValidationException e) {
      problems.addAll(e.problems());
    }
    throw new JobValidationException(problems);
  }
}
