package dev.sparkembed.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code spark-embed bench} keeps its subcommands, and each answers --help. */
class EveryBenchCommandHelpTest {

  @Test
  void everyBenchmarkAnswersHelp() {
    Set<String> names = BenchCommand.commandLine().getSubcommands().keySet();
    assertThat(names).contains("serving", "embed", "service", "batch");
    for (String name : names) {
      StringWriter out = new StringWriter();
      CommandLine cli = BenchCommand.commandLine().setOut(new PrintWriter(out, true));
      assertThat(cli.execute(name, "--help")).as(name).isZero();
      assertThat(out.toString()).as(name).contains("Usage: spark-embed bench " + name);
    }
  }
}
