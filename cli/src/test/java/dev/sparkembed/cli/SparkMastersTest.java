package dev.sparkembed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkMastersTest {
  @Test
  void everyOtherMasterPassesUnchecked() {
    assertThat(SparkMasters.usable("local[*]", Map.of())).isEqualTo("local[*]");
    assertThat(SparkMasters.usable("spark://10.0.0.2:7077", Map.of()))
        .isEqualTo("spark://10.0.0.2:7077");
  }

  @Test
  void localClusterWithoutSparksLauncherVariablesIsOneLinePointingToSparkUrls() {
    assertThatThrownBy(() -> SparkMasters.usable("local-cluster[2,1,1024]", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'--master': local-cluster[2,1,1024]")
        .hasMessageContaining("SPARK_SCALA_VERSION is not set")
        .hasMessageContaining("--master spark://HOST:7077")
        .hasMessageNotContaining("\n");
  }

  @Test
  void localClusterNeedsASparkHomeWithJars(@TempDir Path home) throws Exception {
    Map<String, String> env = Map.of("SPARK_SCALA_VERSION", "2.12", "SPARK_HOME", home.toString());
    assertThatThrownBy(() -> SparkMasters.usable("local-cluster[2,1,1024]", env))
        .hasMessageContaining("SPARK_HOME has no jars/ folder");
    Files.createDirectory(home.resolve("jars"));
    assertThat(SparkMasters.usable("local-cluster[2,1,1024]", env))
        .isEqualTo("local-cluster[2,1,1024]");
  }

  @Test
  void serveReportsItAsAUsageErrorNamingTheOption() {
    ServeCommand serve = new ServeCommand();
    picocli.CommandLine cl = new picocli.CommandLine(serve);
    cl.parseArgs("--master", "local-cluster[2,1,1024]");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getenv("SPARK_SCALA_VERSION") == null, "run from a shell with Spark's variables");
    assertThatThrownBy(serve::conf)
        .isInstanceOf(picocli.CommandLine.ParameterException.class)
        .hasMessageStartingWith("Invalid value for option '--master'");
  }
}
