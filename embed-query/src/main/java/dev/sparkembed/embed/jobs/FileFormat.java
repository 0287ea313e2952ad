package dev.sparkembed.embed.jobs;

import java.util.Locale;

/**
 * The file formats a batch job reads ({@code --input}) and writes ({@code --output}); chosen by
 * {@code --format} or else by the path's extension. Driver only.
 */
public enum FileFormat {
  PARQUET("parquet", ".parquet"),
  CSV("csv", ".csv"),
  /** JSON lines: one object per line, as Spark's {@code json} source reads and writes them. */
  JSON("json", ".json", ".jsonl", ".ndjson");

  private final String sparkName;
  private final String[] extensions;

  FileFormat(String sparkName, String... extensions) {
    this.sparkName = sparkName;
    this.extensions = extensions;
  }

  /** The name of Spark's data source for this format. */
  public String sparkName() {
    return sparkName;
  }

  /** The format named by {@code --format}, or null when the name is unknown. */
  static FileFormat fromName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (FileFormat f : values()) {
      if (f.sparkName.equals(n) || (f == JSON && (n.equals("jsonl") || n.equals("ndjson")))) {
        return f;
      }
    }
    return null;
  }

  /** The format a path's extension names (a trailing slash ignored), or null when none does. */
  static FileFormat fromPath(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    for (FileFormat f : values()) {
      for (String ext : f.extensions) {
        if (p.endsWith(ext)) {
          return f;
        }
      }
    }
    return null;
  }

  /** The accepted names, for error messages. */
  static String names() {
    return "parquet, csv, json (JSON lines; also jsonl, ndjson)";
  }
}
