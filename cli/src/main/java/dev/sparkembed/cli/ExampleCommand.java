package dev.sparkembed.cli;

import picocli.CommandLine.Command;

/**
 * {@code spark-embed example ...}: small ready-made serving jobs for smoke tests and benchmarks.
 */
@Command(
    name = "example",
    mixinStandardHelpOptions = true,
    description = "Example Spark Serving jobs.",
    subcommands = {EchoCommand.class})
final class ExampleCommand {}
