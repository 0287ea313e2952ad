package dev.sparkembed.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code spark-embed} command line: the root that only lists the subcommands. Each subcommand
 * is its own class; {@code bin/spark-embed} runs this class as a Spark driver.
 */
@Command(
    name = "spark-embed",
    mixinStandardHelpOptions = true,
    versionProvider = SparkEmbed.Version.class,
    description = "Spark Serving and text embeddings on Spark workers.",
    footer = {
      "",
      "Benchmarks: spark-embed bench --help (from a source checkout; the bench module is not part"
          + " of the application)."
    },
    subcommands = {
      CommandLine.HelpCommand.class,
      LbCommand.class,
      EmbedCommand.class,
      ServeCommand.class,
      BatchCommand.class,
      ControllerCommand.class,
      ExampleCommand.class
    })
public final class SparkEmbed {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and the CLI tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new SparkEmbed()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  /** Reads the version Maven wrote into the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SparkEmbed.class.getPackage().getImplementationVersion();
      return new String[] {"spark-embed " + (v == null ? "(development build)" : v)};
    }
  }
}
