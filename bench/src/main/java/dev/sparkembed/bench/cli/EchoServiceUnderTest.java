package dev.sparkembed.bench.cli;

import dev.sparkembed.bench.ChildJvm;
import dev.sparkembed.bench.ServiceUnderTest;
import dev.sparkembed.cli.SparkEmbed;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * spark-embed's echo example ({@code spark-embed example echo}) as a service for {@code bench
 * serving}: a child JVM started like the running CLI (same java, JVM options and classpath). Runs
 * in the CLI JVM.
 */
final class EchoServiceUnderTest implements ServiceUnderTest {
  static final String PATH = "/echo";

  private final String mode;
  private final String trigger;

  EchoServiceUnderTest(String mode, String trigger) {
    this.mode = mode;
    this.trigger = trigger;
  }

  @Override
  public String name() {
    return "spark-embed";
  }

  @Override
  public String config() {
    return mode + ", " + trigger;
  }

  /** {@code example echo --port P --host 127.0.0.1 --path /echo --mode M --trigger T}. */
  List<String> arguments(int port) {
    return List.of(
        "example",
        "echo",
        "--port",
        String.valueOf(port),
        "--host",
        "127.0.0.1",
        "--path",
        PATH,
        "--mode",
        mode,
        "--trigger",
        trigger);
  }

  @Override
  public ChildJvm childJvm(int port, Path logDir) {
    return ChildJvm.likeThisJvm("spark-embed echo", SparkEmbed.class.getName())
        .addArgs(arguments(port))
        .workingDir(logDir)
        .logTo(logDir.toAbsolutePath().resolve("spark-embed-echo"));
  }

  @Override
  public URI url(int port) {
    return URI.create("http://127.0.0.1:" + port + PATH);
  }
}
