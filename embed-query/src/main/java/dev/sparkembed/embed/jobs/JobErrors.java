package dev.sparkembed.embed.jobs;

import dev.sparkembed.serving.conf.ServingErrors;
import java.util.Collection;
import java.util.Locale;

/**
 * Builds every user-facing message of the batch job and the controller: what was wrong, the bad
 * value and what was expected. Option names are written as on the command line; the controller's
 * JSON job spec takes the same names. Driver only.
 */
public final class JobErrors {
  private JobErrors() {}

  // ---- options

  /** The one option-error wording of the project, as a problem line. */
  public static String optionProblem(String option, Object value, String expected) {
    return ServingErrors.invalidOption(option, value, expected).getMessage();
  }

  static String missingOption(String option, String why) {
    return "Missing option '--" + option + "' (" + why + ")";
  }

  static String missingSource() {
    return "Missing the rows to embed: give --jdbc-url with --table, or --input PATH";
  }

  static String missingJobSource() {
    return "Missing the rows to embed: give \"connection\" with \"table\", or \"input\" (a file"
        + " in the data directory)";
  }

  static String missingSink() {
    return "Missing where the vectors go: give one of --target-table, --embedding-column or"
        + " --output";
  }

  static String tooManySinks() {
    return "Too many destinations: give only one of --target-table, --embedding-column,"
        + " --output (or pull mode)";
  }

  static String conflicting(String a, String b, String hint) {
    return "Options '--" + a + "' and '--" + b + "' cannot be used together (" + hint + ")";
  }

  static String unused(String option, String why) {
    return "Option '--" + option + "' does not apply: " + why;
  }

  static String passwordEnvUnset(String variable) {
    return optionProblem(
        "password-env", variable, "the name of a set environment variable holding the password");
  }

  static String outputExists(String path) {
    return "Output '"
        + path
        + "' exists: give \"mode\": \"overwrite\" to replace it (or choose another output)";
  }

  static String unknownExtension(String option, String path) {
    return optionProblem(
        option,
        path,
        "a path ending in .parquet, .csv, .json, .jsonl or .ndjson, or give --format "
            + FileFormat.names());
  }

  public static String unknownJobField(String field, Collection<String> known) {
    return "Unknown field '" + field + "' in the job spec (expected one of " + known + ")";
  }

  public static String badJobField(String field, Object value, String expected) {
    return "Invalid field '"
        + field
        + "' in the job spec: "
        + value
        + " (expected "
        + expected
        + ")";
  }

  static String serverSideOnly(String field, Collection<String> connections) {
    return "Field '"
        + field
        + "' is not accepted in a job spec: databases and their credentials are configured when"
        + " the controller starts (--connection NAME=JDBC_URL); name one with \"connection\""
        + (connections.isEmpty() ? " (none configured)" : " (one of " + connections + ")");
  }

  static String missingConnection(Collection<String> known) {
    return "Missing field 'connection' (the job reads or writes a table: name one of the"
        + " controller's connections"
        + (known.isEmpty() ? "; it was started without --connection)" : ": " + known + ")");
  }

  static String unknownConnection(String name, Collection<String> known) {
    return "Invalid field 'connection' in the job spec: '"
        + name
        + "' (expected "
        + (known.isEmpty()
            ? "a connection, but the controller was started without --connection"
            : "one of " + known)
        + ")";
  }

  public static String badJobJson(String detail) {
    return "The job spec is not a JSON object: " + detail;
  }

  static String badModel(String model, String detail) {
    return optionProblem("model", model, "a built-in model name or a model directory; " + detail);
  }

  // ---- databases

  static String unsupportedDatabase(String url) {
    return optionProblem("jdbc-url", url, VectorDialect.supportedDatabases());
  }

  static String noDriver(String url) {
    return "No JDBC driver on the classpath accepts "
        + url
        + " (bundled: PostgreSQL, H2; add Microsoft's mssql-jdbc for SQL Server)";
  }

  static String unreachable(String url, String detail) {
    return "Cannot reach the database at " + url + ": " + detail;
  }

  static String badCredentials(String url, String user, String detail) {
    return "The database at "
        + url
        + " refused the credentials"
        + (user == null ? "" : " of user '" + user + "'")
        + " (check --user and --password-env): "
        + detail;
  }

  static String connectFailed(String url, String detail) {
    return "Cannot connect to the database at " + url + ": " + detail;
  }

  static String queryFailed(String what, String detail) {
    return "Cannot " + what + ": " + detail;
  }

  static String tableNotFound(String option, String table, String url) {
    return optionProblem(option, table, "an existing table or view in " + url);
  }

  static String tableAmbiguous(String option, String table, Collection<String> matches) {
    return optionProblem(option, table, "one table; several match: " + matches + "; qualify it");
  }

  static String columnNotFound(String option, String column, Object table, Collection<String> has) {
    return optionProblem(option, column, "a column of " + table + ", which has " + has);
  }

  static String unsupportedIdType(Object table, String column, String type) {
    return "Unsupported type of id column "
        + table
        + "."
        + column
        + ": "
        + type
        + " (expected "
        + IdType.supported()
        + ")";
  }

  static String unsupportedTextType(Object table, String column, String type) {
    return "Unsupported type of text column "
        + table
        + "."
        + column
        + ": "
        + type
        + " (expected a string type: char, varchar, text, clob)";
  }

  static String notVectorColumn(Object table, String column, String type, String expected) {
    return "Column "
        + table
        + "."
        + column
        + " cannot hold vectors: "
        + type
        + " (expected "
        + expected
        + ")";
  }

  static String idNotUnique(Object table, String column, long rows, long distinct) {
    return String.format(
        Locale.ROOT,
        "Id column %s.%s is not unique: %,d rows but %,d distinct values (--id-column must"
            + " name one row each)",
        table,
        column,
        rows,
        distinct);
  }

  static String nullIds(Object table, String column, long count) {
    return String.format(
        Locale.ROOT,
        "Id column %s.%s has %,d NULL values (every row needs an id)",
        table,
        column,
        count);
  }

  static String targetMissingColumns(
      Object target, Collection<String> missing, Collection<String> has) {
    return "Existing target table "
        + target
        + " lacks columns "
        + missing
        + " (it has "
        + has
        + "; the job writes id, embedding, model, embedded_at)";
  }

  static String targetNoKey(Object target, String column) {
    return "Existing target table "
        + target
        + " has no primary key or unique index on "
        + column
        + " (the upsert needs one: ALTER TABLE "
        + target
        + " ADD PRIMARY KEY ("
        + column
        + "))";
  }

  static String targetIsSource(String table) {
    return optionProblem(
        "target-table",
        table,
        "a table other than --table (use --embedding-column to write in place)");
  }

  // ---- files

  static String inputNotFound(String path) {
    return optionProblem("input", path, "an existing file or folder");
  }

  static String inputUnreadable(String path, String detail) {
    return "Cannot read --input " + path + ": " + detail;
  }

  static String fileColumnNotFound(
      String option, String column, String path, Collection<String> has) {
    return optionProblem(option, column, "a column of " + path + ", which has " + has);
  }
}
