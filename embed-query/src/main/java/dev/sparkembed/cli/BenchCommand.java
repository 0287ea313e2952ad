package dev.sparkembed.cli;

import picocli.CommandLine.Command;

/** {@code spark-embed bench ...}: the benchmarks; each prints a table and writes JSON. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks: each prints a table and writes a JSON report.",
    subcommands = {
      BenchServingCommand.class,
      EmbedBenchCommand.class,
      BenchServiceCommand.class,
      BenchBatchCommand.class
    })
final class BenchCommand {}
