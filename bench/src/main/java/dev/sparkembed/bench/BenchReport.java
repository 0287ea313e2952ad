package dev.sparkembed.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of one benchmark run: named columns, one row per measured configuration, and free-form
 * facts about the run (machine, versions, the baseline used for ratios). Every {@code spark-embed
 * bench ...} command prints it as a table and writes it as JSON, so results are both readable and
 * machine-comparable.
 */
public final class BenchReport {
  private final String name;
  private final List<String> columns;
  private final List<Map<String, Object>> rows = new ArrayList<>();
  private final Map<String, Object> facts = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  public BenchReport(String name, List<String> columns) {
    this.name = name;
    this.columns = List.copyOf(columns);
    facts.put("benchmark", name);
    facts.put("started", Instant.now().toString());
    facts.put("cores", Runtime.getRuntime().availableProcessors());
    facts.put("java", System.getProperty("java.version"));
  }

  /** Adds a row; values are given in column order, {@code null} for "not measured". */
  public BenchReport row(Object... values) {
    if (values.length != columns.size()) {
      throw new IllegalArgumentException(
          "Row has " + values.length + " values but the report has columns " + columns);
    }
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      row.put(columns.get(i), values[i]);
    }
    rows.add(row);
    return this;
  }

  /** Records a fact about the whole run (e.g. the baseline's throughput, a model name). */
  public BenchReport fact(String key, Object value) {
    facts.put(key, value);
    return this;
  }

  /** Adds a line printed under the table (and kept in the JSON as "notes"). */
  public BenchReport note(String line) {
    notes.add(line);
    return this;
  }

  public List<String> notes() {
    return List.copyOf(notes);
  }

  public List<Map<String, Object>> rows() {
    return List.copyOf(rows);
  }

  /** Prints a Markdown table (readable in a terminal and pasteable into notes). */
  public void printTable(PrintStream out) {
    List<String[]> cells = new ArrayList<>();
    cells.add(columns.toArray(String[]::new));
    for (Map<String, Object> row : rows) {
      cells.add(columns.stream().map(c -> format(row.get(c))).toArray(String[]::new));
    }
    int[] widths = new int[columns.size()];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    out.println();
    out.println("## " + name);
    for (int r = 0; r < cells.size(); r++) {
      out.println(line(cells.get(r), widths));
      if (r == 0) {
        String[] rule = new String[widths.length];
        for (int i = 0; i < rule.length; i++) {
          rule[i] = "-".repeat(widths[i]);
        }
        out.println(line(rule, widths));
      }
    }
    if (!notes.isEmpty()) {
      out.println();
      notes.forEach(n -> out.println("- " + n));
    }
    out.flush();
  }

  /** Writes {@code {facts..., "rows": [...]}} as pretty JSON, creating parent folders. */
  public void writeJson(Path file) {
    Map<String, Object> doc = new LinkedHashMap<>(facts);
    doc.put("columns", columns);
    doc.put("rows", rows);
    if (!notes.isEmpty()) {
      doc.put("notes", notes);
    }
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write benchmark report to " + file, e);
    }
  }

  private static String line(String[] cells, int[] widths) {
    StringBuilder sb = new StringBuilder("|");
    for (int i = 0; i < cells.length; i++) {
      sb.append(' ').append(String.format("%-" + widths[i] + "s", cells[i])).append(" |");
    }
    return sb.toString();
  }

  /** Numbers get at most 3 significant decimals; big ones get thousands separators. */
  static String format(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d)) {
        return "-";
      }
      if (Math.abs(d) >= 1000) {
        return String.format(Locale.ROOT, "%,.0f", d);
      }
      if (Math.abs(d) >= 10) {
        return String.format(Locale.ROOT, "%.1f", d);
      }
      return String.format(Locale.ROOT, "%.3f", d);
    }
    if (value instanceof Long || value instanceof Integer) {
      return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
    }
    return value.toString();
  }
}
