package dev.sparkembed.cli;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of a CLI command that is its own driver (batch, controller). Executor
 * heartbeats every 2 s (Spark's default is 10 s) so the batch job's progress stays current.
 */
public final class CliSpark {
  private CliSpark() {}

  public static SparkSession session(String master, String appName) {
    return SparkSession.builder()
        .master(master)
        .appName(appName)
        .config("spark.executor.heartbeatInterval", "2s")
        .getOrCreate();
  }
}
