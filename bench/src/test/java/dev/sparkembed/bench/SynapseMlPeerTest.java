package dev.sparkembed.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SynapseML peer's configuration mapping and launch command. Building the real harness needs
 * Maven Central and minutes, so it is exercised by {@code bench serving}, not here.
 */
class SynapseMlPeerTest {

  @Test
  void mapsOurModesToTheHarnessConfigsOfItsRunScript() {
    assertThat(SynapseMlPeer.PeerConfig.forServing(false, false).label())
        .isEqualTo("head trigger=default");
    assertThat(SynapseMlPeer.PeerConfig.forServing(true, false).label())
        .isEqualTo("dist trigger=default");
    assertThat(SynapseMlPeer.PeerConfig.forServing(false, true).label())
        .isEqualTo("cont trigger=cont:1 second numPartitions=1 -Dsun.net.httpserver.nodelay=true");
    assertThat(SynapseMlPeer.PeerConfig.forServing(true, true))
        .isEqualTo(SynapseMlPeer.PeerConfig.forServing(false, true));
  }

  @Test
  void readsJvmOptionsAsBashExpandsThem(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("jvm-opts.sh");
    Files.writeString(
        script,
        "JAVA_MODULE_OPTS=\"-XX:+IgnoreUnrecognizedVMOptions \\\n"
            + " --add-opens=java.base/java.lang=ALL-UNNAMED\"\n"
            + "SERVER_HEAP_OPTS=\"${SERVER_HEAP_OPTS:--Xms1g -Xmx4g}\"\n");

    assertThat(SynapseMlPeer.readJvmOptions(script))
        .containsExactly(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "-Xms1g",
            "-Xmx4g");
  }

  @Test
  void startsTheServerAsLibShDoes(@TempDir Path dir) throws Exception {
    Path peerDir = fakeHarness(dir.resolve("peer"));
    Path buildDir = dir.resolve("build");
    Files.createDirectories(buildDir.resolve("target/classes"));
    Files.writeString(buildDir.resolve("target/classpath.txt"), "/m2/a.jar:/m2/b.jar\n");
    Files.copy(peerDir.resolve("jvm-opts.sh"), buildDir.resolve("jvm-opts.sh"));
    Files.writeString(buildDir.resolve(".harness.sha256"), SynapseMlPeer.hash(peerDir));
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    SynapseMlPeer peer =
        SynapseMlPeer.prepare(
            peerDir, buildDir, new PrintStream(progress, true), Duration.ofMinutes(1));
    ServiceUnderTest service = peer.service(SynapseMlPeer.PeerConfig.forServing(false, true));
    Path logs = dir.resolve("logs");
    List<String> cmd = service.childJvm(9123, logs).command();

    assertThat(progress.toString()).contains("already built");
    assertThat(service.url(9123).toString()).isEqualTo("http://127.0.0.1:9123/len");
    String prefix = logs.toAbsolutePath().resolve("synapseml-cont").toString();
    assertThat(cmd)
        .containsSubsequence(
            "-Xmx4g",
            "-XX:ErrorFile=" + prefix + ".hs_err_%p.log",
            "-Dsun.net.httpserver.nodelay=true",
            "-cp",
            buildDir.resolve("target/classes") + ":/m2/a.jar:/m2/b.jar",
            SynapseMlPeer.MAIN_CLASS,
            "cont",
            "trigger=cont:1 second",
            "numPartitions=1",
            "port=9123",
            "path=len",
            "stopFile=" + prefix + ".stop",
            "checkpoint=" + prefix + ".ckpt");
  }

  @Test
  void aFolderWithoutTheHarnessIsRejectedNamingIt(@TempDir Path dir) {
    assertThat(SynapseMlPeer.isHarness(dir)).isFalse();
    assertThatThrownBy(
            () ->
                SynapseMlPeer.prepare(
                    dir,
                    dir.resolve("b"),
                    new PrintStream(new ByteArrayOutputStream()),
                    Duration.ZERO))
        .hasMessage(
            "SynapseML peer unavailable: no harness (pom.xml, src/, jvm-opts.sh) (" + dir + ")");
  }

  @Test
  void theSourceHashChangesWithTheSources(@TempDir Path dir) throws Exception {
    Path peer = fakeHarness(dir);
    String before = SynapseMlPeer.hash(peer);
    assertThat(SynapseMlPeer.hash(peer)).isEqualTo(before);
    Files.writeString(peer.resolve("src/main/java/Serve.java"), "class Serve { int x; }");
    assertThat(SynapseMlPeer.hash(peer)).isNotEqualTo(before);
  }

  private static Path fakeHarness(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("src/main/java"));
    Files.writeString(dir.resolve("pom.xml"), "<project/>");
    Files.writeString(dir.resolve("src/main/java/Serve.java"), "class Serve {}");
    Files.writeString(
        dir.resolve("jvm-opts.sh"),
        "JAVA_MODULE_OPTS=\"--add-opens=java.base/java.lang=ALL-UNNAMED\"\n"
            + "SERVER_HEAP_OPTS=\"${SERVER_HEAP_OPTS:--Xms1g -Xmx4g}\"\n");
    return dir;
  }
}
