package dev.sparkembed.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpBackendSourceTest {

  @Test
  void parsesTheDriversServerList() {
    Map<BackendAddress, String> servers =
        HttpBackendSource.parse(
            "{\"servers\":[{\"host\":\"10.0.0.5\",\"port\":8889,\"executorId\":\"1\"},"
                + "{\"host\":\"10.0.0.6\",\"port\":8890}]}");
    assertThat(servers.keySet())
        .containsExactly(
            new BackendAddress("10.0.0.5", 8889), new BackendAddress("10.0.0.6", 8890));
    assertThat(servers.get(new BackendAddress("10.0.0.5", 8889))).isEqualTo("1");
    assertThat(servers.get(new BackendAddress("10.0.0.6", 8890))).isNull();
    assertThat(HttpBackendSource.parse("{\"servers\":[]}")).isEmpty();
  }

  @Test
  void rejectsMalformedLists() {
    assertThatThrownBy(() -> HttpBackendSource.parse("[1"))
        .hasMessageStartingWith("server list is not JSON: ");
    assertThatThrownBy(() -> HttpBackendSource.parse("{\"executors\":[]}"))
        .hasMessage("server list has no \"servers\" array: {\"executors\":[]}");
    assertThatThrownBy(() -> HttpBackendSource.parse("{\"servers\":[{\"host\":\"h\"}]}"))
        .hasMessage("server entry needs \"host\" (string) and \"port\" (number): {\"host\":\"h\"}");
    assertThatThrownBy(() -> HttpBackendSource.parse("{\"servers\":[{\"host\":\"h\",\"port\":0}]}"))
        .hasMessage("Invalid field 'port': 0 (expected 1-65535)");
  }
}
