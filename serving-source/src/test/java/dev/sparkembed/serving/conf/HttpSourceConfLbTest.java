package dev.sparkembed.serving.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.Test;

/** Option {@code lb}: the attach address, checked once on the driver. */
class HttpSourceConfLbTest {

  private static final String SECRET = "0123456789abcdef-secret";

  private static HttpSourceConf parse(String... keyValues) {
    Map<String, String> options = new HashMap<>();
    options.put("path", "/embed");
    for (int i = 0; i < keyValues.length; i += 2) {
      options.put(keyValues[i], keyValues[i + 1]);
    }
    return HttpSourceConf.parse(new CaseInsensitiveStringMap(options));
  }

  @Test
  void absentByDefault() {
    assertThat(parse("mode", "distributed").lb()).isNull();
  }

  @Test
  void takesHostAndPortInDistributedModeWithASecret() {
    HttpSourceConf c = parse("mode", "distributed", "secret", SECRET, "LB", " lb.internal:9444 ");
    assertThat(c.lb()).isEqualTo("lb.internal:9444");
    assertThat(c.toString()).contains("lb=lb.internal:9444").doesNotContain(SECRET);
    assertThat(parse("mode", "distributed", "secret", SECRET, "lb", "[::1]:9444").lb())
        .isEqualTo("[::1]:9444");
    // It travels to the executors with the rest of the options.
    assertThat(c.withSecret(SECRET + "x").lb()).isEqualTo("lb.internal:9444");
  }

  @Test
  void badAddressesNameTheOption() {
    for (String bad : new String[] {"lb", "lb:", ":9444", "lb:0", "lb:70000", "lb:x", "::1:9444"}) {
      assertThatThrownBy(() -> parse("mode", "distributed", "secret", SECRET, "lb", bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "Invalid option 'lb': "
                  + bad
                  + " (expected host:port of the load balancer's attach port, e.g. lb:9444)");
    }
  }

  @Test
  void needsDistributedModeAndTheSecret() {
    assertThatThrownBy(() -> parse("secret", SECRET, "lb", "lb:9444"))
        .hasMessage("Option 'lb' does not apply to mode 'head' (remove it)");
    assertThatThrownBy(() -> parse("mode", "distributed", "lb", "lb:9444"))
        .hasMessageContaining("Missing option 'secret'")
        .hasMessageContaining("the load balancer's secret when option 'lb' is set");
  }
}
