package dev.sparkembed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkembed.embed.engine.ExecutorModels;
import dev.sparkembed.embed.engine.ModelSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code spark-embed batch} end to end in-process: files in and out, a database target, errors. */
class BatchCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run batch(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SparkEmbed.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 3];
    all[0] = "batch";
    all[1] = "--master";
    all[2] = "local[2]";
    System.arraycopy(args, 0, all, 3, args.length);
    return new Run(cli.execute(all), out.toString(), err.toString());
  }

  private static Path csv() throws IOException {
    Path file = dir.resolve("docs.csv");
    List<String> lines = new ArrayList<>(List.of("id,text"));
    for (int i = 1; i <= 40; i++) {
      lines.add(i + "," + (i % 10 == 0 ? "" : "document number " + i));
    }
    return Files.write(file, lines);
  }

  /** Every JSON object of a Spark JSON-lines output folder. */
  private static List<JsonNode> jsonLines(Path folder) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> parts = Files.list(folder)) {
      for (Path p : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        for (String line : Files.readAllLines(p)) {
          out.add(JSON.readTree(line));
        }
      }
    }
    return out;
  }

  @Test
  void csvToJsonLinesSkipsBlankTexts() throws IOException {
    Path out = dir.resolve("vectors.jsonl");
    Run run =
        batch(
            "--input",
            csv().toString(),
            "--id-column",
            "id",
            "--text-column",
            "text",
            "--output",
            out.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("Embedded 36 rows into " + out)
        .contains("null/blank texts skipped: 4");
    List<JsonNode> rows = jsonLines(out);
    assertThat(rows).hasSize(36);
    JsonNode seven = rows.stream().filter(r -> r.get("id").asInt() == 7).findFirst().orElseThrow();
    assertThat(seven.get("embedding")).hasSize(384);
    assertThat(seven.get("model").asText()).isEqualTo("all-minilm-l6-v2");
    float[] expected =
        ExecutorModels.get(ModelSpec.defaults()).embed(List.of("document number 7")).vectors()[0];
    double dot = 0;
    for (int i = 0; i < 384; i++) {
      dot += expected[i] * seven.get("embedding").get(i).floatValue();
    }
    assertThat(dot).isGreaterThan(0.999);
  }

  @Test
  void parquetRoundTripAndCsvOutput() throws IOException {
    Path parquet = dir.resolve("vectors.parquet");
    assertThat(
            batch(
                    "--input",
                    csv().toString(),
                    "--id-column",
                    "id",
                    "--text-column",
                    "text",
                    "--output",
                    parquet.toString())
                .exit())
        .isZero();
    // The Parquet output is valid input: embed its model column as text, write CSV.
    Path csvOut = dir.resolve("models.csv");
    Run run =
        batch(
            "--input",
            parquet.toString(),
            "--id-column",
            "id",
            "--text-column",
            "model",
            "--output",
            csvOut.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    List<String> lines = new ArrayList<>();
    try (Stream<Path> parts = Files.list(csvOut)) {
      for (Path p : parts.filter(p -> p.toString().endsWith(".csv")).toList()) {
        lines.addAll(Files.readAllLines(p).subList(1, Files.readAllLines(p).size()));
      }
    }
    assertThat(lines).hasSize(36).allSatisfy(l -> assertThat(l).contains("\"[0."));
  }

  @Test
  void jsonLinesIntoAnH2TableTwiceGivesOneRowPerId() throws IOException, SQLException {
    Path input = dir.resolve("in.json");
    Files.write(
        input, List.of("{\"key\":\"a\",\"body\":\"alpha\"}", "{\"key\":\"b\",\"body\":\"beta\"}"));
    String url = "jdbc:h2:mem:clitest;DB_CLOSE_DELAY=-1";
    try (Connection keep = DriverManager.getConnection(url)) {
      for (int i = 0; i < 2; i++) {
        Run run =
            batch(
                "--input", input.toString(),
                "--id-column", "key",
                "--text-column", "body",
                "--jdbc-url", url,
                "--target-table", "vecs");
        assertThat(run.exit()).as(run.err()).isZero();
      }
      try (Statement st = keep.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT \"KEY\") FROM VECS")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(2);
        assertThat(rs.getInt(2)).isEqualTo(2);
      }
    }
  }

  @Test
  void invalidJobExitsWithEveryProblem() {
    Run run =
        batch(
            "--jdbc-url", "jdbc:h2:mem:nothing",
            "--table", "docs",
            "--text-column", "body",
            "--partitions", "0");
    assertThat(run.exit()).isEqualTo(BatchCommand.EXIT_INVALID);
    assertThat(run.err())
        .contains("Invalid batch job (3 problems):")
        .contains("Missing option '--id-column'")
        .contains("Missing where the vectors go")
        .contains("Invalid option 'partitions': 0 (expected an integer >= 1)");
  }
}
