package dev.sparkembed.embed.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's start-time checks: connection URLs, names, the admin key, the data folder. */
class JobsSecurityTest {

  private static JobConnections one(String url) {
    return JobConnections.configure(List.of("db=" + url), List.of(), null, name -> null);
  }

  @Test
  void urlParametersThatRunCodeOrTouchFilesAreRefusedAtStart() {
    for (String url :
        List.of(
            "jdbc:h2:mem:x;INIT=CREATE ALIAS E AS 'String e() { return null; }'",
            "jdbc:h2:mem:x;init=RUNSCRIPT FROM '/etc/hostname'",
            "jdbc:h2:mem:x; Init =SELECT 1",
            "jdbc:h2:mem:x;%49NIT=SELECT 1",
            "jdbc:postgresql://db/x?socketFactory=org.springframework.context.support.X",
            "jdbc:postgresql://db/x?user=a&sslfactory=x.Y&sslfactoryarg=http://evil/",
            "jdbc:postgresql://db/x?loggerFile=/tmp/log&loggerLevel=TRACE",
            "jdbc:postgresql://db/x?authenticationPluginClassName=x.Y",
            "jdbc:sqlserver://db;databaseName=x;trustManagerClass=x.Y",
            "jdbc:mysql://db/x?autoDeserialize=true",
            "jdbc:other://db/x?someFactory=x.Y")) {
      assertThatThrownBy(() -> one(url))
          .as(url)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Connection 'db': the JDBC URL parameter");
    }
  }

  @Test
  void plainUrlsAreAccepted() {
    assertThat(one("jdbc:postgresql://db:5432/docs?sslmode=require&ApplicationName=x").get("db"))
        .isNotNull();
    assertThat(one("jdbc:h2:mem:docs;DB_CLOSE_DELAY=-1").get("db").url())
        .isEqualTo("jdbc:h2:mem:docs;DB_CLOSE_DELAY=-1");
  }

  @Test
  void credentialsComeFromTheCommandLineTheEnvironmentOrAFile(@TempDir Path dir) throws Exception {
    JobConnections fromFlags =
        JobConnections.configure(
            List.of("docs=jdbc:postgresql://db/docs"),
            List.of("docs=reader"),
            null,
            Map.of("SPARK_EMBED_CONNECTION_DOCS_PASSWORD", "s3cret")::get);
    assertThat(fromFlags.get("docs"))
        .isEqualTo(new JobConnection("docs", "jdbc:postgresql://db/docs", "reader", "s3cret"));
    assertThat(fromFlags.get("docs").toString()).doesNotContain("s3cret");

    Path file =
        Files.writeString(
            dir.resolve("connections.properties"),
            "wiki.url=jdbc:h2:mem:wiki\nwiki.user=sa\nwiki.password=pw\n");
    assertThat(JobConnections.configure(List.of(), List.of(), file, name -> null).get("wiki"))
        .isEqualTo(new JobConnection("wiki", "jdbc:h2:mem:wiki", "sa", "pw"));
    Path bad = Files.writeString(dir.resolve("bad.properties"), "wiki.url=jdbc:h2:mem:w;INIT=x\n");
    assertThatThrownBy(() -> JobConnections.configure(List.of(), List.of(), bad, name -> null))
        .hasMessageContaining("'INIT' is refused");
    assertThatThrownBy(
            () -> JobConnections.configure(List.of("no url"), List.of(), null, name -> null))
        .hasMessageContaining("Invalid option 'connection': no url (expected NAME=JDBC_URL)");
  }

  @Test
  void withoutAnAdminKeyTheJobsApiAnswersOnlyOnLoopback() {
    Map<String, String> none = Map.of();
    assertThat(new AdminKeyCheck(null, true).refusal(none)).isZero();
    assertThat(new AdminKeyCheck(null, false).refusal(none)).isEqualTo(403);
    assertThat(AdminKeyCheck.message(403))
        .contains("--admin-key")
        .contains("SPARK_EMBED_ADMIN_KEY");
    AdminKeyCheck keyed = new AdminKeyCheck("admin", false);
    assertThat(keyed.refusal(Map.of("authorization", "Bearer admin"))).isZero();
    assertThat(keyed.refusal(Map.of("authorization", "Bearer api-key"))).isEqualTo(401);
    assertThat(keyed.refusal(none)).isEqualTo(401);
  }

  @Test
  void dataPathsCannotLeaveTheFolder(@TempDir Path dir) throws Exception {
    DataDirectory data = DataDirectory.at(dir.resolve("data"));
    Files.createDirectories(data.root().resolve("in"));
    assertThat(data.resolve("input", "in/docs.csv")).isEqualTo(data.root().resolve("in/docs.csv"));
    Files.createSymbolicLink(data.root().resolve("out"), dir);
    for (String bad : List.of("/etc/passwd", "../x.csv", "in/../../x.csv", "out/x.csv", "out")) {
      assertThatThrownBy(() -> data.resolve("input", bad))
          .as(bad)
          .hasMessageStartingWith("Invalid field 'input' in the job spec: '" + bad + "'");
    }
  }
}
