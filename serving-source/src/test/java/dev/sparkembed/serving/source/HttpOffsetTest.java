package dev.sparkembed.serving.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpOffsetTest {

  @Test
  void jsonIsVersionedSortedAndRoundTrips() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("b", 7L);
    m.put("a", 3L);
    HttpOffset o = new HttpOffset(m);
    assertThat(o.json()).isEqualTo("{\"version\":1,\"queues\":{\"a\":3,\"b\":7}}");
    assertThat(HttpOffset.fromJson(o.json())).isEqualTo(o);
    assertThat(HttpOffset.fromJson(o.json()).position("b")).isEqualTo(7);
    assertThat(o.position("gone")).isZero();
  }

  @Test
  void unknownVersionsAndGarbageAreRejectedWithTheJson() {
    assertThatThrownBy(() -> HttpOffset.fromJson("{\"version\":2,\"queues\":{}}"))
        .hasMessageContaining("{\"version\":2")
        .hasMessageContaining("expected JSON with \"version\":1");
    assertThatThrownBy(() -> HttpOffset.fromJson("17")).hasMessageContaining("17");
    assertThatThrownBy(() -> HttpOffset.fromJson("{\"version\":1,\"queues\":{\"a\":-1}}"))
        .hasMessageContaining("\"a\":-1");
  }
}
