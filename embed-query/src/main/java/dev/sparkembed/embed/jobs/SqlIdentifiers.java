package dev.sparkembed.embed.jobs;

import java.util.regex.Pattern;

/**
 * Table and column names as a job may give them: plain identifiers ({@code docs}, {@code
 * public.docs}), never SQL. The job looks them up in the database's metadata and always quotes
 * them; this check makes sure nothing else can be spliced in. Driver only.
 */
final class SqlIdentifiers {
  private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,127}");

  private SqlIdentifiers() {}

  /** A problem with a table name ({@code name} or {@code schema.name}), or null. */
  static String tableProblem(String option, String value) {
    if (value == null) {
      return null;
    }
    String[] parts = value.split("\\.", -1);
    boolean ok = parts.length <= 2;
    for (String p : parts) {
      ok &= PART.matcher(p).matches();
    }
    return ok
        ? null
        : JobErrors.optionProblem(
            option, value, "a table name: letters, digits, '_' or '$', optionally schema.table");
  }

  /** A problem with a column name, or null. */
  static String columnProblem(String option, String value) {
    if (value == null || PART.matcher(value).matches()) {
      return null;
    }
    return JobErrors.optionProblem(option, value, "a column name: letters, digits, '_' or '$'");
  }
}
