package dev.sparkembed.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Describes a child JVM to start: the java binary, JVM options, classpath, main class and
 * arguments, working directory, environment and log files. {@link #likeThisJvm} copies the running
 * JVM's binary, options and classpath, so a bench command can start the service under test exactly
 * as it was started itself (same Java 17 flags, same jars). Runs in the benchmarking JVM.
 */
public final class ChildJvm {
  private final String name;
  private String javaBinary = currentJavaBinary();
  private final List<String> jvmOptions = new ArrayList<>();
  private String classpath = "";
  private final String mainClass;
  private final List<String> args = new ArrayList<>();
  private Path workingDir;
  private final Map<String, String> environment = new LinkedHashMap<>();
  private Path stdout;
  private Path stderr;
  private Runnable gracefulStop;

  private ChildJvm(String name, String mainClass) {
    this.name = Objects.requireNonNull(name);
    this.mainClass = Objects.requireNonNull(mainClass);
  }

  /** A child with this JVM's java binary and nothing else; set options and classpath yourself. */
  public static ChildJvm of(String name, String mainClass) {
    return new ChildJvm(name, mainClass);
  }

  /**
   * A child with this JVM's java binary, JVM options (minus a debugger agent, whose port would
   * clash) and classpath.
   */
  public static ChildJvm likeThisJvm(String name, String mainClass) {
    ChildJvm jvm = new ChildJvm(name, mainClass);
    jvm.jvmOptions.addAll(
        inheritableOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
    jvm.classpath = absoluteClasspath(System.getProperty("java.class.path", ""));
    return jvm;
  }

  /** Makes every entry absolute, so the child may run in another working directory. */
  static String absoluteClasspath(String classpath) {
    if (classpath.isEmpty()) {
      return classpath;
    }
    return java.util.Arrays.stream(classpath.split(java.io.File.pathSeparator))
        .map(e -> e.isEmpty() ? e : Path.of(e).toAbsolutePath().toString())
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  /** The options of {@code inputArguments} a child may share (no debugger agents). */
  static List<String> inheritableOptions(List<String> inputArguments) {
    List<String> kept = new ArrayList<>();
    for (String option : inputArguments) {
      if (option.startsWith("-agentlib:jdwp")
          || option.startsWith("-Xrunjdwp")
          || option.equals("-Xdebug")) {
        continue;
      }
      kept.add(option);
    }
    return kept;
  }

  static String currentJavaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  public ChildJvm javaBinary(String binary) {
    this.javaBinary = binary;
    return this;
  }

  public ChildJvm addJvmOptions(List<String> options) {
    jvmOptions.addAll(options);
    return this;
  }

  public ChildJvm classpath(String cp) {
    this.classpath = cp;
    return this;
  }

  public ChildJvm addArgs(List<String> arguments) {
    args.addAll(arguments);
    return this;
  }

  public ChildJvm addArgs(String... arguments) {
    return addArgs(List.of(arguments));
  }

  public ChildJvm workingDir(Path dir) {
    this.workingDir = dir;
    return this;
  }

  public ChildJvm env(String key, String value) {
    environment.put(key, value);
    return this;
  }

  /** Sends the child's stdout and stderr to {@code <prefix>.out} and {@code <prefix>.err}. */
  public ChildJvm logTo(Path prefix) {
    this.stdout = Path.of(prefix + ".out");
    this.stderr = Path.of(prefix + ".err");
    return this;
  }

  /**
   * What asks the child to stop before it gets SIGTERM (e.g. touching its stop file); without one,
   * {@link ChildProcess#stop} starts with SIGTERM.
   */
  public ChildJvm gracefulStop(Runnable action) {
    this.gracefulStop = action;
    return this;
  }

  /** The full command line. */
  public List<String> command() {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary);
    cmd.addAll(jvmOptions);
    if (!classpath.isEmpty()) {
      cmd.add("-cp");
      cmd.add(classpath);
    }
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  public ChildProcess start() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command());
    if (workingDir != null) {
      builder.directory(workingDir.toFile());
    }
    builder.environment().putAll(environment);
    if (stdout != null) {
      Files.createDirectories(stdout.toAbsolutePath().getParent());
      builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    } else {
      builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
    }
    long startNanos = System.nanoTime();
    Process process = builder.start();
    return new ChildProcess(name, process, startNanos, stdout, stderr, gracefulStop);
  }
}
