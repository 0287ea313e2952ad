package dev.sparkembed.serving.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.Test;

class HttpSourceConfTest {

  private static HttpSourceConf parse(Map<String, String> options) {
    return HttpSourceConf.parse(new CaseInsensitiveStringMap(options));
  }

  @Test
  void defaults() {
    HttpSourceConf c = parse(Map.of("path", "/embed/"));
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8888);
    assertThat(c.path()).isEqualTo("/embed");
    assertThat(c.mode()).isEqualTo(ServingMode.HEAD);
    assertThat(c.maxQueuedRequests()).isEqualTo(10_000);
    assertThat(c.maxBodyBytes()).isEqualTo(1 << 20);
    assertThat(c.requestTimeoutMs()).isEqualTo(30_000);
    assertThat(c.maxRequestsPerBatch()).isEqualTo(1_000);
    assertThat(c.numPartitions()).isZero();
    assertThat(c.methods()).containsExactly("POST");
    assertThat(c.secret()).isNull();
  }

  @Test
  void typedValuesAreParsedCaseInsensitively() {
    HttpSourceConf c =
        parse(
            Map.of(
                "path", "/x",
                "PORT", "9000",
                "mode", "Distributed",
                "requestTimeout", "500ms",
                "maxqueuedrequests", "7",
                "methods", "post, put"));
    assertThat(c.port()).isEqualTo(9000);
    assertThat(c.mode()).isEqualTo(ServingMode.DISTRIBUTED);
    assertThat(c.requestTimeoutMs()).isEqualTo(500);
    assertThat(c.maxQueuedRequests()).isEqualTo(7);
    assertThat(c.methods()).containsExactly("POST", "PUT");
    assertThat(parse(Map.of("path", "/x", "requestTimeout", "2m")).requestTimeoutMs())
        .isEqualTo(120_000);
  }

  @Test
  void badValuesNameTheOptionTheValueAndWhatIsExpected() {
    assertThatThrownBy(() -> parse(Map.of("path", "/x", "port", "-1")))
        .hasMessage("Invalid option 'port': -1 (expected 0-65535)");
    assertThatThrownBy(() -> parse(Map.of("path", "/x", "port", "http")))
        .hasMessage("Invalid option 'port': http (expected 0-65535)");
    assertThatThrownBy(() -> parse(Map.of("path", "/x", "mode", "cluster")))
        .hasMessage("Invalid option 'mode': cluster (expected head or distributed)");
    assertThatThrownBy(() -> parse(Map.of("path", "/x", "requestTimeout", "30")))
        .hasMessageStartingWith(
            "Invalid option 'requestTimeout': 30 (expected a positive duration");
    assertThatThrownBy(() -> parse(Map.of("path", "/x", "maxQueuedRequests", "0")))
        .hasMessage("Invalid option 'maxQueuedRequests': 0 (expected 1-10000000)");
    assertThatThrownBy(() -> parse(Map.of("path", "/x", "numPartitions", "0")))
        .hasMessage("Invalid option 'numPartitions': 0 (expected 1-10000)");
    assertThatThrownBy(() -> parse(Map.of("path", "/x", "secret", "short")))
        .hasMessageContaining("'secret'")
        .hasMessageContaining("at least 16 characters")
        .hasMessageNotContaining("short");
    assertThatThrownBy(() -> parse(Map.of()))
        .hasMessage("Missing option 'path' (expected an API path such as /embed)");
    assertThatThrownBy(() -> parse(Map.of("path", "embed")))
        .hasMessage(
            "Invalid option 'path': embed (expected a path starting with '/', such as /embed)");
    assertThatThrownBy(() -> parse(Map.of("path", "/_spark-embed/x")))
        .hasMessageContaining("reserved");
  }
}
