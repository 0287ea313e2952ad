package dev.sparkembed.embed.jobs;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Opens JDBC connections for one job: the URL and the credentials, nothing else, so it can travel
 * to executors inside the staging writer. Driver and executors.
 */
final class JdbcConnector implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern URL_SECRET =
      Pattern.compile("(?i)(password|pwd)=([^&;]*)", Pattern.CASE_INSENSITIVE);

  private final String url;
  private final String user;
  private final String password;

  JdbcConnector(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  String url() {
    return url;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  /** The URL with any password in it masked, for messages and logs. */
  String safeUrl() {
    return maskUrl(url);
  }

  static String maskUrl(String url) {
    return url == null ? null : URL_SECRET.matcher(url).replaceAll("$1=***");
  }

  /** Connection properties: the credentials when given apart from the URL. */
  Properties properties() {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    return p;
  }

  Connection open() throws SQLException {
    return open(properties());
  }

  Connection open(Properties props) throws SQLException {
    Connection c = DriverManager.getConnection(url, props);
    if (c == null) {
      // DriverManager returns null only through drivers that decline the URL late.
      throw new SQLException("No JDBC driver accepted " + safeUrl(), "08001");
    }
    return c;
  }
}
