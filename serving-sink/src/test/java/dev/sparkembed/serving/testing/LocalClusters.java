package dev.sparkembed.serving.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Multi-JVM Spark for the serving tests: {@code local-cluster[2,1,1024]}, two 1-core executors. */
public final class LocalClusters {
  private LocalClusters() {}

  /**
   * A session whose two executors have both registered (the distributed tests place one server on
   * each), with {@code settings} added to the common ones.
   */
  public static SparkSession twoExecutors(String appName, Map<String, String> settings) {
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local-cluster[2,1,1024]")
            .appName(appName)
            .config("spark.ui.enabled", "false")
            .config("spark.locality.wait", "1s")
            .config("spark.sql.streaming.stopTimeout", "30s");
    settings.forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> spark.sparkContext().getExecutorIds().size() == 2);
    return spark;
  }
}
