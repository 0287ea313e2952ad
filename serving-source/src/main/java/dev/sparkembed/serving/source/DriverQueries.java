package dev.sparkembed.serving.source;

import dev.sparkembed.serving.server.ServingRegistry;

/**
 * Registers the driver's running {@code httpserver} read streams by streaming query id in the
 * {@link ServingRegistry}, so the sink of the same query can finish each batch at its commit
 * (requests read but not answered get 500 at once) and learn the query's secret. Driver.
 */
public final class DriverQueries {
  private DriverQueries() {}

  static void register(String queryId, ServingRegistry.SourceHandle handle) {
    if (queryId != null) {
      ServingRegistry.jvm().put(ServingRegistry.SOURCES, queryId, handle);
    }
  }

  static void unregister(String queryId, ServingRegistry.SourceHandle handle) {
    ServingRegistry.jvm().remove(ServingRegistry.SOURCES, queryId, handle);
  }

  /** The id of the streaming query whose thread calls this, or null. */
  static String currentQueryId() {
    return org.apache.spark.sql.SparkSession.active()
        .sparkContext()
        .getLocalProperty("sql.streaming.queryId");
  }
}
