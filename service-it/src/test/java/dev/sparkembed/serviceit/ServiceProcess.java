package dev.sparkembed.serviceit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code spark-embed serve} in its own JVM, started the way {@code bin/spark-embed} starts it (the
 * packaged jar plus {@code target/classpath.txt}, the launcher's JVM options), on a free loopback
 * port, and stopped with SIGTERM so its shutdown path runs. Output goes to {@code
 * target/service-it/<name>.log}. One per test class: starting Spark and loading the model is the
 * expensive part.
 */
final class ServiceProcess implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);

  private final Process process;
  private final Path log;
  private final int port;
  private final String scheme;

  private ServiceProcess(Process process, Path log, int port, String scheme) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.scheme = scheme;
  }

  /**
   * Starts the service and waits until {@code /readyz} answers 200.
   *
   * @param name names the log file
   * @param client the HTTP client that polls readiness (one that trusts the test certificate for
   *     TLS)
   * @param tls whether the service serves https
   * @param extraArgs options after {@code serve --host 127.0.0.1 --port <free> --master local[2]}
   */
  static ServiceProcess start(String name, HttpClient client, boolean tls, String... extraArgs) {
    Path home = Path.of(System.getProperty("spark.embed.home", "..")).toAbsolutePath().normalize();
    String version = System.getProperty("spark.embed.version", "0.1.0-SNAPSHOT");
    Path target = home.resolve("cli/target");
    Path jar = target.resolve("spark-embed-cli-" + version + ".jar");
    Path classpath = target.resolve("classpath.txt");
    Path jvmOptions = target.resolve("launcher/jvm-options.txt");
    for (Path p : List.of(jar, classpath, jvmOptions)) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalStateException(
            p + " is missing: the service-it tests run in `mvn verify`, after cli is packaged");
      }
    }
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(read(jvmOptions).trim().split("\\s+")));
    cmd.add("-Xmx2g");
    cmd.add("-Dlog4j2.configurationFile=" + target.resolve("launcher/log4j2.properties"));
    cmd.add("-Dspark.embed.home=" + home);
    cmd.add("-cp");
    cmd.add(jar + java.io.File.pathSeparator + read(classpath).trim());
    cmd.add("dev.sparkembed.cli.SparkEmbed");
    cmd.addAll(
        List.of(
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false"));
    cmd.addAll(Arrays.asList(extraArgs));

    Path logDir = home.resolve("service-it/target/service-it");
    Path log = logDir.resolve(name + ".log");
    try {
      Files.createDirectories(logDir);
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .directory(home.resolve("service-it/target").toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      pb.environment().remove("SPARK_EMBED_API_KEY");
      ServiceProcess service = new ServiceProcess(pb.start(), log, port, tls ? "https" : "http");
      service.awaitReady(client);
      return service;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady(HttpClient client) {
    try {
      await("service on port " + port + " ready (log: " + log + ")")
          .atMost(READY_TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .failFast(
              () -> {
                if (!process.isAlive()) {
                  throw new AssertionError(
                      "The service exited with "
                          + process.exitValue()
                          + "; log tail:\n"
                          + logTail());
                }
              })
          .ignoreExceptions()
          .until(
              () ->
                  client
                          .send(
                              HttpRequest.newBuilder(uri("/readyz"))
                                  .timeout(Duration.ofSeconds(5))
                                  .build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      == 200);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  int port() {
    return port;
  }

  /** The base address, e.g. {@code http://127.0.0.1:41234}. */
  String baseUrl() {
    return scheme + "://127.0.0.1:" + port;
  }

  URI uri(String pathAndQuery) {
    return URI.create(baseUrl() + pathAndQuery);
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** SIGTERM (the service's shutdown hook stops the query), then a hard kill after 30 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
