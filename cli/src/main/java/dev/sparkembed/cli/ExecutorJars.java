package dev.sparkembed.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The jars a {@code spark://} cluster's executors need besides Spark: this application's jar plus
 * the list its build writes ({@code cli/target/executor-classpath.txt}), whose path the launcher
 * (or an image) passes as {@value #LIST_PROPERTY}. Driver side.
 */
final class ExecutorJars {
  /** System property naming the file that lists the executors' jars, separated by ':'. */
  static final String LIST_PROPERTY = "spark.embed.executorClasspath";

  private ExecutorJars() {}

  /** This application's jar plus the launcher's list; only the jar when no list was given. */
  static List<String> ofThisApplication() {
    String list = System.getProperty(LIST_PROPERTY);
    return of(applicationJar(), list == null || list.isBlank() ? null : Path.of(list));
  }

  /** {@code ourJar} (when it is a file) then every entry of {@code listFile} (when it exists). */
  static List<String> of(Path ourJar, Path listFile) {
    List<String> jars = new ArrayList<>();
    if (ourJar != null && Files.isRegularFile(ourJar)) {
      jars.add(ourJar.toAbsolutePath().toString());
    }
    if (listFile == null || !Files.isRegularFile(listFile)) {
      return jars;
    }
    try {
      for (String entry :
          Files.readString(listFile, StandardCharsets.UTF_8).trim().split(File.pathSeparator)) {
        if (!entry.isBlank()) {
          jars.add(entry.trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + listFile, e);
    }
    return jars;
  }

  private static Path applicationJar() {
    try {
      return Path.of(
          ExecutorJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      return null;
    }
  }
}
