package dev.sparkembed.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void parsesDurations() {
    assertThat(BenchOptions.duration("d", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(BenchOptions.duration("d", "20s")).isEqualTo(Duration.ofSeconds(20));
    assertThat(BenchOptions.duration("d", "1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(BenchOptions.duration("d", "2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(BenchOptions.duration("d", "3")).isEqualTo(Duration.ofSeconds(3));
    assertThat(BenchOptions.format(Duration.ofSeconds(20))).isEqualTo("20s");
    assertThat(BenchOptions.format(Duration.ofMillis(250))).isEqualTo("250ms");
  }

  @Test
  void rejectsBadDurationsNamingOptionAndValue() {
    assertThatThrownBy(() -> BenchOptions.duration("warmup", "-1s"))
        .hasMessage("Invalid option 'warmup': -1s (expected a duration such as 500ms, 20s or 2m)");
    assertThatThrownBy(() -> BenchOptions.duration("warmup", "soon"))
        .hasMessageStartingWith("Invalid option 'warmup': soon");
  }

  @Test
  void parsesConnectionLists() {
    assertThat(BenchOptions.connections("c", "1,16,256")).isEqualTo(List.of(1, 16, 256));
    assertThat(BenchOptions.connections("c", " 4 ")).isEqualTo(List.of(4));
    assertThatThrownBy(() -> BenchOptions.connections("connections", "1,0"))
        .hasMessage(
            "Invalid option 'connections': 1,0 (expected comma-separated connection counts, each"
                + " 1-10000)");
    assertThatThrownBy(() -> BenchOptions.connections("connections", "1,x"))
        .hasMessageStartingWith("Invalid option 'connections': 1,x");
  }

  @Test
  void echoRepliesMatchIgnoringJsonWhitespaceOnly() {
    PlannedRequest r = EchoWorkload.request("hello spark serving");
    assertThat(r.bodyText()).isEqualTo("{\"text\": \"hello spark serving\"}");
    assertThat(r.check().matches("{\"length\":19}")).isTrue();
    assertThat(r.check().matches("{ \"length\": 19 }\n")).isTrue();
    assertThat(r.check().matches("{\"length\":190}")).isFalse();
    assertThat(r.check().matches("{\"length\":1}")).isFalse();
    assertThat(r.check().matches("{}")).isFalse();
  }

  @Test
  void echoWorkloadHandsOutDistinctLengthsToConcurrentRequests() {
    EchoWorkload w = new EchoWorkload();
    java.util.Set<String> expected = new java.util.HashSet<>();
    for (int i = 0; i < EchoWorkload.DISTINCT_LENGTHS; i++) {
      expected.add(w.next().expectedReply());
    }
    assertThat(expected).hasSize(EchoWorkload.DISTINCT_LENGTHS);
  }
}
