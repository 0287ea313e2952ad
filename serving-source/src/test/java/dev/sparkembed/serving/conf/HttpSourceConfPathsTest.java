package dev.sparkembed.serving.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options added for one query serving several paths, an extension, and HTTPS. */
class HttpSourceConfPathsTest {

  private static HttpSourceConf parse(Map<String, String> options) {
    return HttpSourceConf.parse(new CaseInsensitiveStringMap(options));
  }

  @Test
  void severalPathsAndTemplates() {
    HttpSourceConf c = parse(Map.of("path", "/v1/a, /b/ ,/openai/deployments/{deployment}/x"));
    assertThat(c.paths()).containsExactly("/v1/a", "/b", "/openai/deployments/{deployment}/x");
    assertThat(c.path()).isEqualTo("/v1/a");
    assertThatThrownBy(() -> parse(Map.of("path", "/a,/a")))
        .hasMessage("Invalid option 'path': /a (expected each path once)");
    assertThatThrownBy(() -> parse(Map.of("path", "/a/x{id}")))
        .hasMessageContaining("Invalid option 'path': /a/x{id}")
        .hasMessageContaining("whole segments");
    assertThatThrownBy(() -> parse(Map.of("path", "/a,/_spark-embed/x")))
        .hasMessageContaining("reserved");
  }

  @Test
  void extensionAndItsOptions() {
    HttpSourceConf c =
        parse(
            Map.of(
                "path", "/a",
                "extension", "com.example.Ext",
                "extension.apiKeySha256", "abc",
                "extensionless", "ignored"));
    assertThat(c.extension()).isEqualTo("com.example.Ext");
    assertThat(c.extensionOptions()).containsOnlyKeys("apikeysha256");
    assertThat(c.extensionOptions().get("apiKeySha256")).isEqualTo("abc");
    assertThat(parse(Map.of("path", "/a")).extension()).isNull();
    assertThatThrownBy(() -> parse(Map.of("path", "/a", "extension", "not a class")))
        .hasMessageContaining("Invalid option 'extension': not a class");
  }

  @Test
  void tlsTakesTwoReadableFiles(@TempDir Path dir) throws Exception {
    Path cert = Files.writeString(dir.resolve("c.pem"), "x");
    Path key = Files.writeString(dir.resolve("k.pem"), "x");
    HttpSourceConf c =
        parse(Map.of("path", "/a", "tlsCert", cert.toString(), "tlsKey", key.toString()));
    assertThat(c.tlsCert()).isEqualTo(cert.toString());
    assertThat(c.tlsKey()).isEqualTo(key.toString());
    assertThatThrownBy(() -> parse(Map.of("path", "/a", "tlsCert", cert.toString())))
        .hasMessageContaining("Missing option 'tlsKey'");
    assertThatThrownBy(
            () -> parse(Map.of("path", "/a", "tlsCert", "/no/such.pem", "tlsKey", key.toString())))
        .hasMessage("Invalid option 'tlsCert': /no/such.pem (expected a readable PEM file)");
  }
}
