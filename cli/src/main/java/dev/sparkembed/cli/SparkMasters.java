package dev.sparkembed.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks a {@code --master} before Spark starts, where Spark's own failure would be obscure.
 * Spark's {@code local-cluster[N,C,M]} starts executor JVMs through its launcher, which needs a
 * Spark home ({@code SPARK_HOME} with a {@code jars/} folder) and {@code SPARK_SCALA_VERSION};
 * {@code bin/spark-embed} and the images' launcher set both. Run from anywhere else, Spark fails
 * late with "Cannot find any build directories". Driver side.
 */
final class SparkMasters {
  static final String LOCAL_CLUSTER = "local-cluster";

  private SparkMasters() {}

  /** {@code master} when it can start here, else an exception naming what is missing. */
  static String usable(String master, Map<String, String> env) {
    if (!master.trim().startsWith(LOCAL_CLUSTER)) {
      return master;
    }
    String home = env.get("SPARK_HOME");
    String missing;
    if (env.get("SPARK_SCALA_VERSION") == null || env.get("SPARK_SCALA_VERSION").isBlank()) {
      missing = "SPARK_SCALA_VERSION is not set";
    } else if (home == null || home.isBlank() || !Files.isDirectory(Path.of(home, "jars"))) {
      missing = "SPARK_HOME has no jars/ folder";
    } else {
      return master;
    }
    throw new IllegalArgumentException(
        "Invalid value for option '--master': "
            + master
            + " needs Spark's launcher ("
            + missing
            + "): start it with bin/spark-embed, which sets it up, or run a standalone master and"
            + " use --master spark://HOST:7077 (see scripts/testbed.sh)");
  }

  /** {@link #usable(String, Map)} with this process's environment. */
  static String usable(String master) {
    return usable(master, System.getenv());
  }
}
