package dev.sparkembed.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkembed.embed.engine.Embedder;
import dev.sparkembed.embed.engine.EmbeddingResult;
import dev.sparkembed.embed.engine.ModelLoadException;
import dev.sparkembed.embed.engine.ModelSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spark-embed embed [--model NAME|PATH] [--device auto|cpu|cuda] TEXT...}: embeds texts
 * given as arguments, or read from standard input one a line, and prints one JSON object a line,
 * {@code {"text": ..., "embedding": [...]}}. Runs the engine in this JVM (no Spark job).
 */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    description = {
      "Embeds texts (arguments, or standard input one a line) and prints one JSON object a line:",
      "{\"text\": ..., \"embedding\": [...]}"
    })
final class EmbedCommand implements Callable<Integer> {
  /** Lines read from standard input per call to the model. */
  private static final int STDIN_CHUNK = 256;

  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--batch-tokens",
      defaultValue = "" + ModelSpec.DEFAULT_BATCH_TOKEN_BUDGET,
      description = "Token budget of one inference batch. Default: ${DEFAULT-VALUE}.")
  int batchTokens;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Engine threads (0: all cores). Default: ${DEFAULT-VALUE}.")
  int threads;

  @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to embed.")
  List<String> texts = new ArrayList<>();

  /** Standard input; a field so tests can replace it. */
  InputStream stdin = System.in;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ModelSpec modelSpec;
    try {
      modelSpec = modelOptions.spec().withBatchTokenBudget(batchTokens).withThreads(threads);
    } catch (IllegalArgumentException e) {
      err.println("spark-embed embed: " + e.getMessage());
      err.flush();
      return 2;
    }
    ObjectMapper json = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    try (Embedder embedder = Embedder.open(modelSpec)) {
      if (!texts.isEmpty()) {
        print(embedder, texts, json, out);
      } else {
        BufferedReader in =
            new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        List<String> chunk = new ArrayList<>(STDIN_CHUNK);
        String line;
        while ((line = in.readLine()) != null) {
          chunk.add(line);
          if (chunk.size() == STDIN_CHUNK) {
            print(embedder, chunk, json, out);
            chunk.clear();
          }
        }
        print(embedder, chunk, json, out);
      }
    } catch (ModelLoadException e) {
      err.println("spark-embed embed: " + e.getMessage());
      err.flush();
      return 1;
    }
    out.flush();
    return 0;
  }

  private static void print(
      Embedder embedder, List<String> batch, ObjectMapper json, PrintWriter out)
      throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    EmbeddingResult result = embedder.embed(batch);
    for (int i = 0; i < batch.size(); i++) {
      StringWriter line = new StringWriter();
      try (JsonGenerator g = json.getFactory().createGenerator(line)) {
        g.writeStartObject();
        g.writeStringField("text", batch.get(i));
        g.writeFieldName("embedding");
        float[] v = result.vectors()[i];
        g.writeStartArray();
        for (float f : v) {
          g.writeNumber(f); // shortest float text, e.g. 0.0123456
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      out.println(line);
    }
  }
}
