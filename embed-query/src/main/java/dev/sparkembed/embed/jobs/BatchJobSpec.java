package dev.sparkembed.embed.jobs;

import dev.sparkembed.embed.engine.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Every option of one batch job, checked together once by {@link Builder#build()} (all problems at
 * once, before any connection is made). The CLI's {@code batch} command and the controller's {@code
 * POST /jobs} both build one. Lives on the driver; executors get only the few strings they need.
 *
 * <p>Where rows come from: a table ({@code --jdbc-url} and {@code --table}) or a file ({@code
 * --input}). Where vectors go: exactly one of a target table ({@code --target-table}, in the {@code
 * --jdbc-url} database), the source table's own column ({@code --embedding-column}), a file ({@code
 * --output}) or, for controller jobs, the job's results ({@link Builder#pull}).
 */
public record BatchJobSpec(
    String jdbcUrl,
    String user,
    String password,
    String table,
    String idColumn,
    String textColumn,
    String targetTable,
    String embeddingColumn,
    boolean incremental,
    String input,
    String output,
    FileFormat inputFormat,
    FileFormat outputFormat,
    Integer partitions,
    ModelSpec modelSpec,
    boolean pull,
    int writeBatch) {
  /** Rows per JDBC batch in the staging writer. */
  static final int DEFAULT_WRITE_BATCH = 500;

  public static Builder builder() {
    return new Builder();
  }

  /** Where the job's vectors go. */
  public enum Sink {
    TARGET_TABLE,
    IN_PLACE,
    FILE,
    PULL
  }

  public Sink sink() {
    if (targetTable != null) {
      return Sink.TARGET_TABLE;
    }
    if (embeddingColumn != null) {
      return Sink.IN_PLACE;
    }
    if (output != null) {
      return Sink.FILE;
    }
    return Sink.PULL;
  }

  public boolean readsTable() {
    return table != null;
  }

  /** A one-line description for logs and job listings; never includes the password. */
  public String describe() {
    String from = readsTable() ? "table " + table : "file " + input;
    String to =
        switch (sink()) {
          case TARGET_TABLE -> "table " + targetTable;
          case IN_PLACE -> "column " + table + "." + embeddingColumn;
          case FILE -> "file " + output;
          case PULL -> "job results";
        };
    return from + " -> " + to + (incremental ? " (incremental)" : "");
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "BatchJobSpec[" + describe() + "]";
  }

  /**
   * Collects the options; {@link #build()} checks them all together. Setters accept null (option
   * not given) so the CLI and the JSON job spec can pass what they have.
   */
  public static final class Builder {
    private String jdbcUrl;
    private String user;
    private String password;
    private String passwordEnv;
    private String table;
    private String idColumn;
    private String textColumn;
    private String targetTable;
    private String embeddingColumn;
    private boolean incremental;
    private String input;
    private String output;
    private String format;
    private Integer partitions;
    private String model;
    private String device;
    private boolean pull;
    private int writeBatch = DEFAULT_WRITE_BATCH;
    private Function<String, String> env = System::getenv;
    private boolean overwriteOutput;

    private Builder() {}

    public Builder jdbcUrl(String v) {
      jdbcUrl = blankToNull(v);
      return this;
    }

    public Builder user(String v) {
      user = blankToNull(v);
      return this;
    }

    /**
     * A password given directly (controller job specs); the CLI only takes {@link #passwordEnv}.
     */
    public Builder password(String v) {
      password = v;
      return this;
    }

    public Builder passwordEnv(String v) {
      passwordEnv = blankToNull(v);
      return this;
    }

    public Builder table(String v) {
      table = blankToNull(v);
      return this;
    }

    public Builder idColumn(String v) {
      idColumn = blankToNull(v);
      return this;
    }

    public Builder textColumn(String v) {
      textColumn = blankToNull(v);
      return this;
    }

    public Builder targetTable(String v) {
      targetTable = blankToNull(v);
      return this;
    }

    public Builder embeddingColumn(String v) {
      embeddingColumn = blankToNull(v);
      return this;
    }

    public Builder incremental(boolean v) {
      incremental = v;
      return this;
    }

    public Builder input(String v) {
      input = blankToNull(v);
      return this;
    }

    public Builder output(String v) {
      output = blankToNull(v);
      return this;
    }

    public Builder format(String v) {
      format = blankToNull(v);
      return this;
    }

    public Builder partitions(Integer v) {
      partitions = v;
      return this;
    }

    public Builder model(String v) {
      model = blankToNull(v);
      return this;
    }

    public Builder device(String v) {
      device = blankToNull(v);
      return this;
    }

    /** Keep the vectors as the job's results ({@code GET /jobs/{id}/results}); controller only. */
    public Builder pull(boolean v) {
      pull = v;
      return this;
    }

    /**
     * Whether an {@code output} that exists may be replaced (the CLI's {@code batch}: yes; a
     * controller job: only with {@code "mode": "overwrite"}).
     */
    public Builder overwriteOutput(boolean v) {
      overwriteOutput = v;
      return this;
    }

    Builder writeBatch(int v) {
      writeBatch = v;
      return this;
    }

    /** Where {@code --password-env} names are looked up; tests give their own. */
    Builder environment(Function<String, String> lookup) {
      env = Objects.requireNonNull(lookup);
      return this;
    }

    /**
     * Checks every option against the others.
     *
     * @throws JobValidationException listing every problem found
     */
    public BatchJobSpec build() {
      List<String> problems = new ArrayList<>();
      if (table == null && input == null) {
        problems.add(JobErrors.missingSource());
      }
      if (table != null && input != null) {
        problems.add(JobErrors.conflicting("table", "input", "read from a table or a file"));
      }
      if (table != null && jdbcUrl == null) {
        problems.add(JobErrors.missingOption("jdbc-url", "--table reads from a database"));
      }
      if (idColumn == null) {
        problems.add(JobErrors.missingOption("id-column", "every row needs its key"));
      }
      if (textColumn == null) {
        problems.add(JobErrors.missingOption("text-column", "it holds the texts to embed"));
      }
      checkSink(problems);
      checkNames(problems);
      if (output != null
          && !overwriteOutput
          && java.nio.file.Files.exists(java.nio.file.Path.of(output))) {
        problems.add(JobErrors.outputExists(output));
      }
      if (partitions != null && partitions < 1) {
        problems.add(JobErrors.optionProblem("partitions", partitions, "an integer >= 1"));
      }
      if (writeBatch < 1) {
        problems.add(JobErrors.optionProblem("write-batch", writeBatch, "an integer >= 1"));
      }
      ModelSpec modelSpec = null;
      try {
        ModelSpec.Builder m = ModelSpec.builder();
        if (model != null) {
          m.model(model);
        }
        if (device != null) {
          m.device(device);
        }
        modelSpec = m.build();
      } catch (IllegalArgumentException e) {
        // The engine names the option, the bad value and the valid ones.
        problems.add(e.getMessage());
      }
      String pw = password;
      if (passwordEnv != null) {
        if (password != null) {
          problems.add(
              JobErrors.conflicting("password", "password-env", "give the password one way"));
        }
        pw = env.apply(passwordEnv);
        if (pw == null) {
          problems.add(JobErrors.passwordEnvUnset(passwordEnv));
        }
      }
      if ((password != null || passwordEnv != null || user != null) && jdbcUrl == null) {
        problems.add(JobErrors.unused("user/password", "there is no --jdbc-url"));
      }
      FileFormat inFormat = input == null ? null : resolveFormat(input, "input", problems);
      FileFormat outFormat = output == null ? null : resolveFormat(output, "output", problems);
      if (!problems.isEmpty()) {
        throw new JobValidationException(problems);
      }
      return new BatchJobSpec(
          jdbcUrl,
          user,
          pw,
          table,
          idColumn,
          textColumn,
          targetTable,
          embeddingColumn,
          incremental,
          input,
          output,
          inFormat,
          outFormat,
          partitions,
          modelSpec,
          pull,
          writeBatch);
    }

    private void checkSink(List<String> problems) {
      int sinks =
          (targetTable != null ? 1 : 0)
              + (embeddingColumn != null ? 1 : 0)
              + (output != null ? 1 : 0)
              + (pull ? 1 : 0);
      if (sinks == 0) {
        problems.add(JobErrors.missingSink());
      } else if (sinks > 1) {
        problems.add(JobErrors.tooManySinks());
      }
      if (targetTable != null && jdbcUrl == null) {
        problems.add(JobErrors.missingOption("jdbc-url", "--target-table is written over JDBC"));
      }
      if (embeddingColumn != null && table == null) {
        problems.add(
            JobErrors.missingOption("table", "--embedding-column writes into the source table"));
      }
      if (incremental && targetTable == null) {
        problems.add(
            JobErrors.unused(
                "incremental",
                "it needs --target-table (--embedding-column is always incremental; files are"
                    + " rewritten whole)"));
      }
    }

    private void checkNames(List<String> problems) {
      Stream.of(
              SqlIdentifiers.tableProblem("table", table),
              SqlIdentifiers.tableProblem("target-table", targetTable),
              SqlIdentifiers.columnProblem("id-column", idColumn),
              SqlIdentifiers.columnProblem("text-column", textColumn),
              SqlIdentifiers.columnProblem("embedding-column", embeddingColumn))
          .filter(Objects::nonNull)
          .forEach(problems::add);
    }

    private FileFormat resolveFormat(String path, String option, List<String> problems) {
      if (format != null) {
        FileFormat f = FileFormat.fromName(format);
        if (f == null) {
          problems.add(JobErrors.optionProblem("format", format, FileFormat.names()));
        }
        return f;
      }
      FileFormat f = FileFormat.fromPath(path);
      if (f == null) {
        problems.add(JobErrors.unknownExtension(option, path));
      }
      return f;
    }

    private static String blankToNull(String v) {
      return v == null || v.isBlank() ? null : v.trim();
    }
  }
}
