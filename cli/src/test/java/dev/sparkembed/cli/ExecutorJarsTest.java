package dev.sparkembed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorJarsTest {

  @Test
  void executorJarsAreOurJarAndTheBuildsList(@TempDir Path dir) throws Exception {
    Path ours = Files.writeString(dir.resolve("spark-embed-cli.jar"), "x");
    Path list = dir.resolve("executor-classpath.txt");
    assertThat(ExecutorJars.of(ours, list)).containsExactly(ours.toString());
    Files.writeString(list, "/x/a.jar:/x/b.jar\n");
    assertThat(ExecutorJars.of(ours, list))
        .containsExactly(ours.toString(), "/x/a.jar", "/x/b.jar");
  }

  @Test
  void aMissingJarIsLeftOut(@TempDir Path dir) throws Exception {
    Path list = Files.writeString(dir.resolve("executor-classpath.txt"), "/x/a.jar\n");
    assertThat(ExecutorJars.of(dir.resolve("absent.jar"), list)).containsExactly("/x/a.jar");
  }
}
