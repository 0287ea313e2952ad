package dev.sparkembed.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The SynapseML 1.0.8 Spark Serving harness ({@code ../shared/peers/synapseml}) as a baseline for
 * {@code bench serving}: copies it out of the read-only shared folder, builds it with Maven (only
 * when its sources changed), and starts its server JVM exactly as the harness's own {@code lib.sh
 * start_server} does (its {@code jvm-opts.sh} options, {@code -XX:ErrorFile}, {@code stopFile=} and
 * {@code checkpoint=} arguments; stopped by touching the stop file). Runs in the benchmarking JVM.
 */
public final class SynapseMlPeer {
  public static final String NAME = "SynapseML";
  public static final String MAIN_CLASS = "peer.synapseml.ServeBench";

  /** The harness serves the echo job on {@code /len}. */
  public static final String URL_PATH = "len";

  /** What lib.sh's build_harness runs. */
  static final List<String> BUILD_COMMAND = List.of("mvn", "-q", "-B", "package", "-DskipTests");

  private static final List<String> HARNESS_FILES = List.of("pom.xml", "jvm-opts.sh", "src");
  private static final String HASH_FILE = ".harness.sha256";
  private static final Duration BUILD_HEARTBEAT = Duration.ofSeconds(15);

  private final Path buildDir;
  private final List<String> jvmOptions;
  private final String classpath;

  private SynapseMlPeer(Path buildDir, List<String> jvmOptions, String classpath) {
    this.buildDir = buildDir;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.classpath = classpath;
  }

  /**
   * How our configuration maps to the harness's: head micro-batch is {@code head trigger=default},
   * distributed micro-batch is {@code dist trigger=default}, continuous (either placement) is
   * {@code cont trigger=cont:1 second numPartitions=1} with TCP_NODELAY (without it every reply
   * waits ~44 ms for a delayed ACK, see the peer's README).
   */
  public record PeerConfig(String mode, List<String> harnessArgs, List<String> extraJvmOptions) {
    public PeerConfig {
      harnessArgs = List.copyOf(harnessArgs);
      extraJvmOptions = List.copyOf(extraJvmOptions);
    }

    public static PeerConfig forServing(boolean distributed, boolean continuous) {
      if (continuous) {
        return new PeerConfig(
            "cont",
            List.of("trigger=cont:1 second", "numPartitions=1"),
            List.of("-Dsun.net.httpserver.nodelay=true"));
      }
      return new PeerConfig(distributed ? "dist" : "head", List.of("trigger=default"), List.of());
    }

    /** {@code head trigger=default}, as written in the peer's run.sh. */
    public String label() {
      List<String> parts = new ArrayList<>();
      parts.add(mode);
      parts.addAll(harnessArgs);
      parts.addAll(extraJvmOptions);
      return String.join(" ", parts);
    }
  }

  /** True when {@code dir} holds the harness (pom.xml, src/, jvm-opts.sh). */
  public static boolean isHarness(Path dir) {
    return dir != null
        && Files.isRegularFile(dir.resolve("pom.xml"))
        && Files.isRegularFile(dir.resolve("jvm-opts.sh"))
        && Files.isDirectory(dir.resolve("src"));
  }

  /**
   * Copies the harness from {@code peerDir} into {@code buildDir} and builds it there, unless the
   * same sources were already built there.
   */
  public static SynapseMlPeer prepare(
      Path peerDir, Path buildDir, PrintStream progress, Duration buildTimeout)
      throws IOException, InterruptedException {
    if (!isHarness(peerDir)) {
      throw BenchErrors.peerUnavailable("no harness (pom.xml, src/, jvm-opts.sh)", peerDir);
    }
    String hash = hash(peerDir);
    Path hashFile = buildDir.resolve(HASH_FILE);
    Path cpFile = buildDir.resolve("target/classpath.txt");
    boolean built =
        Files.isRegularFile(hashFile)
            && Files.readString(hashFile).trim().equals(hash)
            && Files.isRegularFile(cpFile)
            && Files.isDirectory(buildDir.resolve("target/classes"));
    if (built) {
      progress.println("[bench] SynapseML harness already built in " + buildDir);
    } else {
      copyHarness(peerDir, buildDir);
      build(buildDir, progress, buildTimeout);
      Files.writeString(hashFile, hash + "\n");
    }
    String cp = buildDir.resolve("target/classes") + ":" + Files.readString(cpFile).trim();
    return new SynapseMlPeer(buildDir, readJvmOptions(buildDir.resolve("jvm-opts.sh")), cp);
  }

  /** The harness's server for {@code config}, as a service to measure. */
  public ServiceUnderTest service(PeerConfig config) {
    return new ServiceUnderTest() {
      @Override
      public String name() {
        return NAME;
      }

      @Override
      public String config() {
        return config.label();
      }

      @Override
      public ChildJvm childJvm(int port, Path logDir) {
        Path prefix = logDir.toAbsolutePath().resolve("synapseml-" + config.mode());
        Path stopFile = Path.of(prefix + ".stop");
        List<String> args = new ArrayList<>();
        args.add(config.mode());
        args.addAll(config.harnessArgs());
        args.add("port=" + port);
        args.add("path=" + URL_PATH);
        args.add("stopFile=" + stopFile);
        args.add("checkpoint=" + prefix + ".ckpt");
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-XX:ErrorFile=" + prefix + ".hs_err_%p.log");
        options.addAll(config.extraJvmOptions());
        return ChildJvm.of(NAME, MAIN_CLASS)
            .addJvmOptions(options)
            .classpath(classpath)
            .addArgs(args)
            .workingDir(buildDir)
            .logTo(prefix)
            .gracefulStop(() -> touch(stopFile));
      }

      @Override
      public URI url(int port) {
        return URI.create("http://127.0.0.1:" + port + "/" + URL_PATH);
      }
    };
  }

  List<String> jvmOptions() {
    return jvmOptions;
  }

  /** Reads {@code $JAVA_MODULE_OPTS $SERVER_HEAP_OPTS} the way lib.sh expands them (bash). */
  static List<String> readJvmOptions(Path jvmOptsScript) throws IOException, InterruptedException {
    Process bash =
        new ProcessBuilder(
                "bash",
                "-c",
                ". \"$1\" && printf '%s\\n' $JAVA_MODULE_OPTS $SERVER_HEAP_OPTS",
                "jvm-opts",
                jvmOptsScript.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!bash.waitFor(30, TimeUnit.SECONDS) || bash.exitValue() != 0) {
      throw BenchErrors.peerUnavailable("cannot read JVM options: " + out.trim(), jvmOptsScript);
    }
    return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
  }

  private static void build(Path buildDir, PrintStream progress, Duration timeout)
      throws IOException, InterruptedException {
    Path log = buildDir.resolve("build.log");
    progress.println(
        "[bench] building the SynapseML harness in "
            + buildDir
            + " ("
            + String.join(" ", BUILD_COMMAND)
            + "; the first build downloads synapseml-core and Spark, which can take minutes; log: "
            + log
            + ")");
    Process mvn;
    try {
      mvn =
          new ProcessBuilder(BUILD_COMMAND)
              .directory(buildDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw BenchErrors.peerUnavailable("cannot run Maven (mvn): " + e.getMessage(), buildDir);
    }
    long start = System.nanoTime();
    try {
      while (!mvn.waitFor(BUILD_HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS)) {
        long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        if (elapsed > timeout.toSeconds()) {
          throw BenchErrors.peerUnavailable(
              "build took longer than " + BenchOptions.format(timeout), log);
        }
        progress.println("[bench] ... still building the SynapseML harness (" + elapsed + " s)");
      }
    } finally {
      if (mvn.isAlive()) {
        mvn.descendants().forEach(ProcessHandle::destroyForcibly);
        mvn.destroyForcibly();
      }
    }
    if (mvn.exitValue() != 0) {
      throw BenchErrors.peerUnavailable("build failed with exit code " + mvn.exitValue(), log);
    }
    progress.printf(
        "[bench] SynapseML harness built in %d s%n",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
  }

  private static void copyHarness(Path peerDir, Path buildDir) throws IOException {
    Files.createDirectories(buildDir);
    for (String name : List.of("pom.xml", "jvm-opts.sh", "src", "target", HASH_FILE)) {
      deleteRecursively(buildDir.resolve(name));
    }
    for (String name : HARNESS_FILES) {
      Path from = peerDir.resolve(name);
      try (Stream<Path> files = Files.walk(from)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Path to = buildDir.resolve(peerDir.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(to);
          } else {
            // No COPY_ATTRIBUTES: the shared originals are read-only, the copies must not be.
            Files.copy(f, to);
          }
        }
      }
    }
  }

  /** SHA-256 over the harness files' relative paths and contents. */
  static String hash(Path peerDir) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String name : HARNESS_FILES) {
        try (Stream<Path> files = Files.walk(peerDir.resolve(name))) {
          for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
            digest.update(peerDir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Files.readAllBytes(f));
          }
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  private static void touch(Path file) {
    try {
      Files.writeString(file, "stop\n");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write stop file " + file, e);
    }
  }
}
