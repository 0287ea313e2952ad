package dev.sparkembed.embed.jobs;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The databases a controller's jobs may name ({@code "connection": "docs"}), from its command line
 * ({@code --connection NAME=JDBC_URL}, {@code --connection-user NAME=USER}, passwords from env
 * {@code SPARK_EMBED_CONNECTION_<NAME>_PASSWORD}) or a properties file ({@code NAME.url}, {@code
 * NAME.user}, {@code NAME.password}). Every URL passes {@link JdbcUrlPolicy} first. Driver only.
 */
public final class JobConnections {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

  private final Map<String, JobConnection> byName;

  private JobConnections(Map<String, JobConnection> byName) {
    this.byName = Map.copyOf(byName);
  }

  public static JobConnections none() {
    return new JobConnections(Map.of());
  }

  /** The environment variable holding connection {@code name}'s password. */
  public static String passwordVariable(String name) {
    return "SPARK_EMBED_CONNECTION_"
        + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")
        + "_PASSWORD";
  }

  /**
   * Builds the connections from the controller's options.
   *
   * @param urls {@code NAME=JDBC_URL} entries
   * @param users {@code NAME=USER} entries
   * @param file a properties file, or null
   * @param env where passwords are looked up
   * @throws IllegalArgumentException naming the bad entry
   */
  public static JobConnections configure(
      List<String> urls, List<String> users, Path file, Function<String, String> env) {
    Map<String, String> urlByName = new LinkedHashMap<>();
    Map<String, String> userByName = new LinkedHashMap<>();
    Map<String, String> passwordByName = new LinkedHashMap<>();
    if (file != null) {
      readFile(file, urlByName, userByName, passwordByName);
    }
    for (String entry : urls) {
      String[] kv = split("--connection", entry, "NAME=JDBC_URL");
      urlByName.put(kv[0], kv[1]);
    }
    for (String entry : users) {
      String[] kv = split("--connection-user", entry, "NAME=USER");
      if (!urlByName.containsKey(kv[0])) {
        throw new IllegalArgumentException(
            "Invalid option 'connection-user': no --connection named '" + kv[0] + "'");
      }
      userByName.put(kv[0], kv[1]);
    }
    Map<String, JobConnection> all = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : urlByName.entrySet()) {
      String name = e.getKey();
      JdbcUrlPolicy.check(name, e.getValue());
      String password = env.apply(passwordVariable(name));
      if (password == null) {
        password = passwordByName.get(name);
      }
      all.put(name, new JobConnection(name, e.getValue(), userByName.get(name), password));
    }
    return new JobConnections(all);
  }

  /** The connection a job names, or null. */
  public JobConnection get(String name) {
    return name == null ? null : byName.get(name);
  }

  public Collection<String> names() {
    return new TreeSet<>(byName.keySet());
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }

  private static String[] split(String option, String entry, String expected) {
    int eq = entry == null ? -1 : entry.indexOf('=');
    if (eq <= 0 || eq == entry.length() - 1) {
      throw new IllegalArgumentException(
          "Invalid option '"
              + option.substring(2)
              + "': "
              + entry
              + " (expected "
              + expected
              + ")");
    }
    String name = entry.substring(0, eq).trim();
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Invalid option '"
              + option.substring(2)
              + "': connection name '"
              + name
              + "' (expected a letter, then letters, digits, '_' or '-')");
    }
    return new String[] {name, entry.substring(eq + 1).trim()};
  }

  private static void readFile(
      Path file, Map<String, String> urls, Map<String, String> users, Map<String, String> pws) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read --connections-file " + file, e);
    }
    for (String key : new TreeSet<>(p.stringPropertyNames())) {
      int dot = key.lastIndexOf('.');
      String name = dot <= 0 ? "" : key.substring(0, dot);
      String field = dot <= 0 ? key : key.substring(dot + 1);
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "Invalid key '"
                + key
                + "' in "
                + file
                + " (expected NAME.url, NAME.user, NAME.password)");
      }
      switch (field) {
        case "url" -> urls.put(name, p.getProperty(key).trim());
        case "user" -> users.put(name, p.getProperty(key).trim());
        case "password" -> pws.put(name, p.getProperty(key));
        default ->
            throw new IllegalArgumentException(
                "Invalid key '"
                    + key
                    + "' in "
                    + file
                    + " (expected NAME.url, NAME.user, NAME.password)");
      }
    }
    for (String name : users.keySet()) {
      if (!urls.containsKey(name)) {
        throw new IllegalArgumentException(
            "Connection '" + name + "' in " + file + " has a user but no url");
      }
    }
  }
}
