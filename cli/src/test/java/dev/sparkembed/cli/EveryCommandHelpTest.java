package dev.sparkembed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command of the application answers --help: the interface scripts depend on. */
class EveryCommandHelpTest {

  @Test
  void theApplicationKeepsItsCommands() {
    assertThat(paths(SparkEmbed.commandLine(), ""))
        .contains("lb", "embed", "serve", "batch", "controller", "example", "example echo", "help");
  }

  @Test
  void everyCommandAnswersHelp() {
    for (String path : paths(SparkEmbed.commandLine(), "")) {
      List<String> args = new ArrayList<>(List.of(path.split(" ")));
      args.add("--help");
      StringWriter out = new StringWriter();
      CommandLine cli = SparkEmbed.commandLine().setOut(new PrintWriter(out, true));
      int code = cli.execute(args.toArray(String[]::new));
      assertThat(code).as(path).isZero();
      assertThat(out.toString()).as(path).contains("Usage: spark-embed " + path);
    }
  }

  /** The space-separated paths of every subcommand below {@code cli}. */
  static List<String> paths(CommandLine cli, String prefix) {
    List<String> all = new ArrayList<>();
    cli.getSubcommands()
        .forEach(
            (name, sub) -> {
              String path = prefix.isEmpty() ? name : prefix + " " + name;
              all.add(path);
              all.addAll(paths(sub, path));
            });
    return all;
  }
}
