package dev.sparkembed.bench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code spark-embed bench ...}: the benchmarks; each prints a table and writes JSON. Its own main
 * class, which {@code bin/spark-embed} runs for {@code bench}, so that the application never
 * depends on the benchmarks (an image carries the application without them).
 */
@Command(
    name = "spark-embed bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks: each prints a table and writes a JSON report.",
    subcommands = {
      CommandLine.HelpCommand.class,
      BenchServingCommand.class,
      EmbedBenchCommand.class,
      BenchServiceCommand.class,
      BenchBatchCommand.class
    })
public final class BenchCommand {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and the tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new BenchCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
