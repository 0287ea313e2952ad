package dev.sparkembed.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LbOptionsTest {

  private static LbOptions.Builder base() {
    return LbOptions.builder().addBackend("127.0.0.1:8889");
  }

  @Test
  void defaults() {
    LbOptions options = base().build();
    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.port()).isEqualTo(8080);
    assertThat(options.backends()).containsExactly(new BackendAddress("127.0.0.1", 8889));
    assertThat(options.discover()).isEmpty();
    assertThat(options.secret()).isEmpty();
    assertThat(options.healthInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.healthFall()).isEqualTo(2);
    assertThat(options.healthRise()).isEqualTo(1);
    assertThat(options.maxBodyBytes()).isEqualTo(16 << 20);
    assertThat(options.responseTimeout()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void parsesTypedValues() {
    LbOptions options =
        LbOptions.builder()
            .set("backend", "h1:1, [::1]:2")
            .set("discover", "http://driver:4050/_spark-embed/servers")
            .set("health-interval", "500ms")
            .set("idle-timeout", "2m")
            .set("max-body", "512k")
            .set("port", "0")
            .build();
    assertThat(options.backends())
        .containsExactly(new BackendAddress("h1", 1), new BackendAddress("::1", 2));
    assertThat(options.backends().get(1).toString()).isEqualTo("[::1]:2");
    assertThat(options.discover().get().getPort()).isEqualTo(4050);
    assertThat(options.healthInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(options.maxBodyBytes()).isEqualTo(512 * 1024);
    assertThat(options.port()).isZero();
  }

  @Test
  void errorsNameTheOptionTheValueAndWhatWasExpected() {
    assertThatThrownBy(() -> base().set("port", "-1").build())
        .hasMessage("Invalid option 'port': -1 (expected 0-65535, 0 = any free port)");
    assertThatThrownBy(() -> base().set("port", "http").build())
        .hasMessage("Invalid option 'port': http (expected 0-65535, 0 = any free port)");
    assertThatThrownBy(() -> LbOptions.builder().addBackend("nohost").build())
        .hasMessage("Invalid option 'backend': nohost (expected host:port, e.g. 127.0.0.1:8889)");
    assertThatThrownBy(() -> LbOptions.builder().addBackend("h:99999").build())
        .hasMessage(
            "Invalid option 'backend': h:99999 (expected host:port with a port in 1-65535)");
    assertThatThrownBy(() -> base().set("discover", "ftp://x/").build())
        .hasMessage(
            "Invalid option 'discover': ftp://x/ (expected an http:// URL, e.g."
                + " http://driver:4050/_spark-embed/servers)");
    assertThatThrownBy(() -> base().set("health-interval", "2x").build())
        .hasMessage(
            "Invalid option 'health-interval': 2x (expected a duration like 500ms, 2s or 1m)");
    assertThatThrownBy(() -> base().set("health-timeout", "0s").build())
        .hasMessage(
            "Invalid option 'health-timeout': 0s (expected a duration above zero, e.g. 500ms, 2s"
                + " or 1m)");
    assertThatThrownBy(() -> base().set("max-body", "0").build())
        .hasMessage(
            "Invalid option 'max-body': 0 (expected a size from 1 byte to 1g, e.g. 65536, 512k"
                + " or 16m)");
    assertThatThrownBy(() -> base().set("health-fall", "0").build())
        .hasMessage("Invalid option 'health-fall': 0 (expected 1-100)");
    assertThatThrownBy(() -> base().set("colour", "red"))
        .hasMessageStartingWith("Unknown option 'colour' (known: host, port, backend,");
  }

  @Test
  void needsSomeWayToFindBackends() {
    assertThatThrownBy(() -> LbOptions.builder().build())
        .hasMessage(
            "No way to find backends: give --backend host:port, --discover URL, or a secret"
                + " (--secret or SPARK_EMBED_LB_SECRET) so executors can register");
    assertThat(LbOptions.builder().set("secret", "s").build().secret()).contains("s");
    assertThat(LbOptions.builder().withBackendSource().build().backends()).isEmpty();
  }
}
