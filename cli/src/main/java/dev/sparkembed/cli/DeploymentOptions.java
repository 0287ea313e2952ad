package dev.sparkembed.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options that tie a serving query into a deployment, shared by serve, controller and example
 * echo: the deployment secret (the query's internal secret, which the load balancer's discovery and
 * attach port check), read from a file or env {@value #SECRET_ENV}, never from the command line;
 * and the load balancer executors' servers dial out to ({@code --lb}, distributed mode).
 */
final class DeploymentOptions {
  /** Environment variable holding the deployment secret. */
  static final String SECRET_ENV = "SPARK_EMBED_SECRET";

  @Option(
      names = "--secret-file",
      paramLabel = "FILE",
      description =
          "File holding the deployment secret (the query's internal secret; the load balancer's"
              + " --discover and attach port check it). Default: env "
              + SECRET_ENV
              + "; none: a random per-query secret.")
  Path secretFile;

  @Option(
      names = "--lb",
      paramLabel = "HOST:PORT",
      description =
          "Distributed mode: every executor's server dials out to this load balancer's attach"
              + " port (spark-embed lb --attach-port), so workers need no inbound port.")
  String lb;

  /** The secret from --secret-file, else env {@value #SECRET_ENV}, else null. */
  String secret() {
    if (secretFile != null) {
      try {
        String s = Files.readString(secretFile, StandardCharsets.UTF_8).trim();
        if (s.isEmpty()) {
          throw new IllegalArgumentException(
              "Invalid option '--secret-file': " + secretFile + " is empty");
        }
        return s;
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read --secret-file " + secretFile, e);
      }
    }
    String env = System.getenv(SECRET_ENV);
    return env == null || env.isBlank() ? null : env.trim();
  }

  /** The source options these set ({@code secret}, {@code lb}). */
  Map<String, String> sourceOptions() {
    Map<String, String> o = new LinkedHashMap<>();
    String secret = secret();
    if (secret != null) {
      o.put(dev.sparkembed.serving.conf.HttpServerOptions.SECRET, secret);
    }
    if (lb != null) {
      o.put(dev.sparkembed.serving.conf.HttpServerOptions.LB, lb.trim());
    }
    return o;
  }
}
