package dev.sparkembed.serviceit;

import static dev.sparkembed.serviceit.ReferenceEmbeddings.MIN_COSINE;
import static dev.sparkembed.serviceit.ReferenceEmbeddings.cosine;
import static dev.sparkembed.serviceit.ReferenceEmbeddings.floats;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --engine pytorch} with the TorchScript all-MiniLM-L6-v2 that {@code
 * scripts/export-torchscript.sh DIR} makes, named by {@code -Dspark.embed.test.torchscriptDir=DIR}
 * (scripts/ci-pytorch.sh; the application must be built with {@code -Ppytorch}). {@code
 * bin/spark-embed embed} and {@code serve} each in their own JVM, every reference text (empty and
 * over-long ones included) against the independent reference vectors and against each other.
 * Skipped, saying so, without the property.
 */
class PyTorchEngineIT {
  private static final String PROPERTY = "spark.embed.test.torchscriptDir";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<ReferenceEmbeddings.Sentence> REFERENCE = ReferenceEmbeddings.load();

  private static Path modelDir;
  private static List<float[]> launcherVectors;

  @BeforeAll
  static void modelDir() {
    String dir = System.getProperty(PROPERTY, "");
    Assumptions.assumeFalse(
        dir.isBlank(),
        "needs -D" + PROPERTY + "=DIR, a model made by scripts/export-torchscript.sh DIR");
    modelDir = Path.of(dir).toAbsolutePath();
    assertThat(modelDir.resolve("model.pt")).as("the exported model").isRegularFile();
  }

  @Test
  void embedCommandReproducesTheReference() throws Exception {
    List<float[]> vectors = embedWithTheLauncher();
    assertThat(vectors).hasSize(REFERENCE.size());
    for (int i = 0; i < REFERENCE.size(); i++) {
      assertThat(cosine(vectors.get(i), REFERENCE.get(i).embedding()))
          .as("bin/spark-embed embed --engine pytorch: %s", REFERENCE.get(i).text())
          .isGreaterThanOrEqualTo(MIN_COSINE);
    }
  }

  @Test
  void serveGivesTheSameVectorsAsTheEmbedCommand() throws Exception {
    List<float[]> fromEmbed = embedWithTheLauncher();
    try (ServiceProcess service =
        ServiceProcess.start(
            "PyTorchEngineIT",
            HTTP,
            false,
            "--engine",
            "pytorch",
            "--model",
            modelDir.toString(),
            "--device",
            "cpu",
            "--max-chars-per-text",
            "100000")) {
      ObjectNode body = Http.JSON.createObjectNode().put("model", "all-minilm-l6-v2");
      ArrayNode input = body.putArray("input");
      REFERENCE.forEach(s -> input.add(s.text()));
      Http.Reply reply = new Http(HTTP, service).post("/v1/embeddings", body.toString());
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      JsonNode data = reply.json().get("data");
      assertThat(data).hasSize(REFERENCE.size());
      for (int i = 0; i < REFERENCE.size(); i++) {
        float[] v = floats(data.get(i).get("embedding"));
        String text = REFERENCE.get(i).text();
        assertThat(cosine(v, REFERENCE.get(i).embedding()))
            .as("serve --engine pytorch vs reference: %s", text)
            .isGreaterThanOrEqualTo(MIN_COSINE);
        assertThat(cosine(v, fromEmbed.get(i)))
            .as("serve vs embed: %s", text)
            .isGreaterThanOrEqualTo(0.99999);
      }
    }
  }

  /** {@code bin/spark-embed embed --engine pytorch}, the reference texts on stdin one a line. */
  private static synchronized List<float[]> embedWithTheLauncher() throws Exception {
    if (launcherVectors != null) {
      return launcherVectors;
    }
    Path home = Path.of(System.getProperty("spark.embed.home", "..")).toAbsolutePath().normalize();
    Path log = home.resolve("service-it/target/service-it/PyTorchEngineIT-embed.log");
    Files.createDirectories(log.getParent());
    ProcessBuilder pb =
        new ProcessBuilder(
                home.resolve("bin/spark-embed").toString(),
                "embed",
                "--engine",
                "pytorch",
                "--model",
                modelDir.toString(),
                "--device",
                "cpu")
            .redirectError(log.toFile());
    // The build under test is the one to run: never let the launcher rebuild it without -Ppytorch.
    pb.environment().put("SPARK_EMBED_NO_BUILD", "1");
    Process p = pb.start();
    CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(p));
    try (OutputStream in = p.getOutputStream()) {
      for (ReferenceEmbeddings.Sentence s : REFERENCE) {
        assertThat(s.text()).doesNotContain("\n");
        in.write((s.text() + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    String out = stdout.get(240, TimeUnit.SECONDS);
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    assertThat(p.exitValue()).as("exit status; log: %s\n%s", log, Files.readString(log)).isZero();
    List<float[]> vectors = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        vectors.add(floats(Http.JSON.readTree(line).get("embedding")));
      }
    }
    launcherVectors = vectors;
    return vectors;
  }

  private static String readAll(Process p) {
    try {
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
