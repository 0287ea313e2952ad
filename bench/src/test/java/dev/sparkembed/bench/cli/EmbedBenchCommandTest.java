package dev.sparkembed.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code bench embed}'s engine options fail before any measurement, naming the option. */
class EmbedBenchCommandTest {

  private static String runFailing(String... args) {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      String[] all = new String[args.length + 1];
      all[0] = "embed";
      System.arraycopy(args, 0, all, 1, args.length);
      assertThat(BenchCommand.commandLine().execute(all)).isEqualTo(2);
    } finally {
      System.setErr(saved);
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void pytorchNeedsATorchScriptModelDirectory() {
    assertThat(runFailing("--engine", "pytorch", "--model", "/nonexistent/ts"))
        .contains(
            "Invalid option '--model': '/nonexistent/ts' (expected a directory with model.pt, made"
                + " by scripts/export-torchscript.sh DIR)");
  }

  @Test
  void modelWithoutPytorchAndUnknownEnginesAreRejected() {
    assertThat(runFailing("--model", "/models/ts"))
        .contains("Invalid option '--model': '/models/ts' (expected --engine pytorch)");
    assertThat(runFailing("--engine", "tensorflow"))
        .contains("Invalid option 'engine': 'tensorflow' (expected one of onnxruntime, pytorch)");
  }
}
