package dev.sparkembed.embed.jobs;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses JDBC URLs whose parameters make a driver run code, load classes or touch files: H2's
 * {@code INIT} (which runs {@code RUNSCRIPT}, {@code CREATE ALIAS} and {@code CREATE TRIGGER}),
 * PostgreSQL's socket and SSL factories, logger files and plugins, SQL Server's and MySQL's
 * equivalents, and any parameter of any driver whose name says it loads a class, a factory, a
 * callback, an interceptor or a logger file. Checked when the controller starts, for every
 * configured connection. Driver only.
 */
final class JdbcUrlPolicy {
  /** Parameters refused whatever the database (lower case, as the URL gives them). */
  private static final Set<String> REFUSED =
      Set.of(
          // H2: INIT runs SQL at connect (RUNSCRIPT FROM a file, CREATE ALIAS ... Java code).
          "init",
          "java_object_serializer",
          "authenticator",
          "trace_level_file",
          // PostgreSQL
          "socketfactory",
          "socketfactoryarg",
          "sslfactory",
          "sslfactoryarg",
          "sslhostnameverifier",
          "sslpasswordcallback",
          "loggerfile",
          "loggerlevel",
          "authenticationpluginclassname",
          "gsslib",
          // SQL Server
          "socketfactoryclass",
          "socketfactoryconstructorarg",
          "trustmanagerclass",
          "trustmanagerconstructorarg",
          "accesstokencallbackclass",
          "keystoreprincipalid",
          // MySQL / MariaDB
          "autodeserialize",
          "allowloadlocalinfile",
          "allowurlinlocalinfile",
          "allowloadlocalinfileinpath",
          "queryinterceptors",
          "exceptioninterceptors",
          "connectionlifecycleinterceptors",
          "statementinterceptors",
          "propertiestransform");

  /** Name fragments that mean "loads code or writes files", for drivers not listed above. */
  private static final List<String> REFUSED_FRAGMENTS =
      List.of("factory", "class", "callback", "interceptor", "plugin", "loggerfile", "serializer");

  /** SQL words H2 would run from a URL (an INIT given with odd separators, say). */
  private static final List<String> REFUSED_SQL =
      List.of("runscript", "create alias", "create trigger", "create linked table", "script to");

  private JdbcUrlPolicy() {}

  /**
   * Checks one connection's URL.
   *
   * @throws IllegalArgumentException naming the connection and the refused parameter
   */
  static void check(String connection, String url) {
    if (url == null || !url.regionMatches(true, 0, "jdbc:", 0, 5)) {
      throw new IllegalArgumentException(
          "Connection '" + connection + "': expected a JDBC URL (jdbc:...), got '" + url + "'");
    }
    String decoded = decode(url);
    String lower = decoded.toLowerCase(Locale.ROOT);
    for (String sql : REFUSED_SQL) {
      if (lower.replaceAll("\\s+", " ").contains(sql)) {
        throw refused(connection, sql.toUpperCase(Locale.ROOT), "runs SQL or reads files");
      }
    }
    for (String name : parameterNames(decoded)) {
      String key = name.trim().toLowerCase(Locale.ROOT);
      if (REFUSED.contains(key)) {
        throw refused(connection, name.trim(), "runs code or touches files on this host");
      }
      for (String fragment : REFUSED_FRAGMENTS) {
        if (key.contains(fragment)) {
          throw refused(connection, name.trim(), "names code to load or a file to write");
        }
      }
    }
  }

  /** Every {@code name} of {@code name=value} after the URL's first {@code ?} or {@code ;}. */
  static List<String> parameterNames(String url) {
    List<String> names = new ArrayList<>();
    int start = firstSeparator(url);
    if (start < 0) {
      return names;
    }
    for (String part : url.substring(start + 1).split("[;&?]")) {
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      if (!name.isBlank()) {
        names.add(name);
      }
    }
    return names;
  }

  private static int firstSeparator(String url) {
    int q = url.indexOf('?');
    int s = url.indexOf(';');
    if (q < 0) {
      return s;
    }
    return s < 0 ? q : Math.min(q, s);
  }

  /** URL-decodes (drivers do) until nothing changes, so {@code %2549NIT} cannot hide a name. */
  private static String decode(String url) {
    String current = url;
    for (int i = 0; i < 4; i++) {
      String next;
      try {
        next = URLDecoder.decode(current.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return current;
      }
      if (next.equals(current)) {
        return next;
      }
      current = next;
    }
    return current;
  }

  private static IllegalArgumentException refused(String connection, String what, String why) {
    return new IllegalArgumentException(
        "Connection '"
            + connection
            + "': the JDBC URL parameter '"
            + what
            + "' is refused (it "
            + why
            + "); configure the database without it");
  }
}
