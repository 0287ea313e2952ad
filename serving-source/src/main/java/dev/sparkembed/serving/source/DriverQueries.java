package dev.sparkembed.serving.source;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's running {@code httpserver} read streams by streaming query id, so the sink of the
 * same query can finish each batch at its commit (requests read but not answered get 500 at once)
 * and learn the query's secret for forwarding replies. Driver.
 */
public final class DriverQueries {
  /** What the sink may ask of its query's source. */
  public interface SourceHandle {
    /** The batch or epoch {@code epochId} committed: answer its unanswered requests 500. */
    void finishBatch(long epochId);

    /** The per-query secret of the internal endpoints. */
    String secret();
  }

  private static final ConcurrentHashMap<String, SourceHandle> BY_QUERY = new ConcurrentHashMap<>();

  private DriverQueries() {}

  static void register(String queryId, SourceHandle handle) {
    if (queryId != null) {
      BY_QUERY.put(queryId, handle);
    }
  }

  static void unregister(String queryId, SourceHandle handle) {
    if (queryId != null) {
      BY_QUERY.remove(queryId, handle);
    }
  }

  /** The source of query {@code queryId} in this driver, or null. */
  public static SourceHandle source(String queryId) {
    return queryId == null ? null : BY_QUERY.get(queryId);
  }

  /** The id of the streaming query whose thread calls this, or null. */
  static String currentQueryId() {
    return org.apache.spark.sql.SparkSession.active()
        .sparkContext()
        .getLocalProperty("sql.streaming.queryId");
  }
}
