package dev.sparkembed.embed.jobs;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Locale;

/** Turns database and driver failures into the job's one-line problems. Driver only. */
final class JobSqlErrors {
  private JobSqlErrors() {}

  /** Sorts a failed connection into unreachable, refused credentials, no driver, or other. */
  static String connectProblem(SQLException e, JdbcConnector c) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String detail = describe(e);
    String lower = detail.toLowerCase(Locale.ROOT);
    if (lower.contains("no suitable driver")) {
      return JobErrors.noDriver(c.safeUrl());
    }
    if (state.startsWith("28")
        || lower.contains("password authentication failed")
        || lower.contains("wrong user name or password")
        || lower.contains("login failed")) {
      return JobErrors.badCredentials(c.safeUrl(), c.user(), detail);
    }
    if (state.startsWith("08") || state.equals("90067") || hasNetworkCause(e)) {
      return JobErrors.unreachable(c.safeUrl(), detail);
    }
    return JobErrors.connectFailed(c.safeUrl(), detail);
  }

  private static boolean hasNetworkCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof UnknownHostException
          || t instanceof NoRouteToHostException
          || t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** The first line of a SQL error, with its SQL state. */
  static String describe(SQLException e) {
    String msg = firstLine(e.getMessage());
    return e.getSQLState() == null ? msg : msg + " [SQL state " + e.getSQLState() + "]";
  }

  static String firstLine(String msg) {
    if (msg == null) {
      return "(no message)";
    }
    int nl = msg.indexOf('\n');
    return (nl < 0 ? msg : msg.substring(0, nl)).trim();
  }

  /** The first line of the deepest cause's message. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return firstLine(t.getMessage());
  }
}
