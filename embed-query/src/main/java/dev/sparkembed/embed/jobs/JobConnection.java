package dev.sparkembed.embed.jobs;

/**
 * One database the controller's jobs may use, configured when the controller starts (never by a
 * request): its name, JDBC URL and credentials. Driver only.
 */
public record JobConnection(String name, String url, String user, String password) {

  @Override
  public String toString() {
    return name + " (" + JdbcConnector.maskUrl(url) + (user == null ? "" : ", user " + user) + ")";
  }
}
