package dev.sparkembed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkembed.embed.engine.ReferenceVectors;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code spark-embed embed}: JSON lines on stdout, texts from arguments or stdin. */
class EmbedCommandTest {
  private static final ReferenceVectors REF = ReferenceVectors.load();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine cli() {
    CommandLine cl = SparkEmbed.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl;
  }

  private static List<JsonNode> lines(String text) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        nodes.add(new ObjectMapper().readTree(line));
      }
    }
    return nodes;
  }

  private static float[] vector(JsonNode node) {
    JsonNode e = node.get("embedding");
    float[] v = new float[e.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) e.get(i).asDouble();
    }
    return v;
  }

  @Test
  void embedsArgumentsAsJsonLines() throws Exception {
    int code =
        cli()
            .execute(
                "embed", "--device", "cpu", REF.texts.get(0), REF.texts.get(11), REF.texts.get(15));
    assertThat(code).as(err.toString()).isZero();
    List<JsonNode> nodes = lines(out.toString());
    assertThat(nodes).hasSize(3);
    int[] ids = {0, 11, 15};
    for (int k = 0; k < 3; k++) {
      JsonNode n = nodes.get(k);
      assertThat(n.fieldNames()).toIterable().containsExactly("text", "embedding");
      assertThat(n.get("text").asText()).isEqualTo(REF.texts.get(ids[k]));
      assertThat(ReferenceVectors.cosine(vector(n), REF.vectors.get(ids[k])))
          .isGreaterThanOrEqualTo(0.9999);
    }
  }

  @Test
  void readsStdinOneTextPerLineWhenNoArguments() throws Exception {
    CommandLine cl = cli();
    EmbedCommand embed = cl.getSubcommands().get("embed").getCommand();
    embed.stdin =
        new ByteArrayInputStream("first line\n\nthird: ü 🚀\n".getBytes(StandardCharsets.UTF_8));
    assertThat(cl.execute("embed", "--model", "all-minilm-l6-v2-q", "--device", "cpu"))
        .as(err.toString())
        .isZero();
    List<JsonNode> nodes = lines(out.toString());
    assertThat(nodes)
        .extracting(n -> n.get("text").asText())
        .containsExactly("first line", "", "third: ü 🚀");
    for (JsonNode n : nodes) {
      assertThat(ReferenceVectors.norm(vector(n))).isBetween(0.9999, 1.0001);
    }
  }

  @Test
  void badOptionsFailWithTheValidValues() {
    assertThat(cli().execute("embed", "--device", "gpu", "x")).isEqualTo(2);
    assertThat(err.toString())
        .contains("Invalid option 'device': 'gpu' (expected one of auto, cpu, cuda)");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void missingModelDirectoryFailsNamingIt() {
    assertThat(cli().execute("embed", "--model", "/nonexistent/model-dir", "x")).isEqualTo(1);
    assertThat(err.toString())
        .contains("Cannot load model: model directory not found: /nonexistent/model-dir");
  }
}
