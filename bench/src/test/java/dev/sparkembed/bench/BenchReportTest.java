package dev.sparkembed.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

  @Test
  void printsAlignedMarkdownTableAndWritesJson(@TempDir Path dir) throws Exception {
    BenchReport report =
        new BenchReport("demo", List.of("config", "req/s", "p50 ms"))
            .row("head, 1 conn", 1234.5, 0.4567)
            .row("head, 16 conn", 20000.0, null)
            .fact("baseline", "raw")
            .note("ratios are ours / baseline");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    report.printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String table = bytes.toString(StandardCharsets.UTF_8);
    assertThat(table)
        .contains("## demo")
        .contains("| config        | req/s  | p50 ms |")
        .contains("| head, 1 conn  | 1,235  | 0.457  |")
        .contains("| head, 16 conn | 20,000 | -      |")
        .contains("- ratios are ours / baseline");

    Path json = dir.resolve("sub/report.json");
    report.writeJson(json);
    JsonNode doc = new ObjectMapper().readTree(json.toFile());
    assertThat(doc.get("benchmark").asText()).isEqualTo("demo");
    assertThat(doc.get("baseline").asText()).isEqualTo("raw");
    assertThat(doc.get("rows")).hasSize(2);
    assertThat(doc.get("notes").get(0).asText()).isEqualTo("ratios are ours / baseline");
    assertThat(doc.get("rows").get(0).get("req/s").asDouble()).isEqualTo(1234.5);
  }

  @Test
  void rejectsRowOfWrongWidth() {
    BenchReport report = new BenchReport("demo", List.of("a", "b"));
    assertThatThrownBy(() -> report.row(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 values")
        .hasMessageContaining("[a, b]");
  }
}
