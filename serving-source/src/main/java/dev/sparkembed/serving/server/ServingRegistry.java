package dev.sparkembed.serving.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything the {@code httpserver} source and sink keep in one JVM between Spark's calls, in one
 * place: servers and their queues, the driver's read streams by query, distributed placements,
 * executor servers by query run, continuous readers' positions. Each owner declares a typed {@link
 * Table} and removes its entries when its query stops (read stream stopped, queue unregistered,
 * reader closed), so a JVM that ran many queries holds nothing of the stopped ones; {@link #sizes}
 * shows what is left. The sink reaches the source only through here ({@link #source}, {@link
 * #queue}, {@link #handedAfter}). Thread-safe; driver and executors alike.
 */
public final class ServingRegistry {
  /** A typed table of the registry; its name shows in {@link #sizes}. */
  public record Table<K, V>(String name) {}

  /** What the sink may ask of its query's source on the driver. */
  public interface SourceHandle {
    /** The batch or epoch {@code epochId} committed: answer its unanswered requests 500. */
    void finishBatch(long epochId);

    /** The per-query secret of the internal endpoints. */
    String secret();
  }

  /** The driver's read streams by streaming query id. */
  public static final Table<String, SourceHandle> SOURCES = new Table<>("read streams by query");

  /** Continuous readers: the request each task attempt's reader handed to Spark last. */
  public static final Table<Long, Long> LAST_HANDED = new Table<>("continuous readers' positions");

  private static final ServingRegistry JVM = new ServingRegistry();

  private final Map<String, ConcurrentHashMap<Object, Object>> tables = new ConcurrentHashMap<>();

  private ServingRegistry() {}

  /** This JVM's registry. */
  public static ServingRegistry jvm() {
    return JVM;
  }

  private ConcurrentHashMap<Object, Object> map(Table<?, ?> table) {
    return tables.computeIfAbsent(table.name(), n -> new ConcurrentHashMap<>());
  }

  public <K, V> void put(Table<K, V> table, K key, V value) {
    map(table).put(key, value);
    synchronized (this) {
      notifyAll(); // wakes awaitSource
    }
  }

  @SuppressWarnings("unchecked")
  public <K, V> V get(Table<K, V> table, K key) {
    return key == null ? null : (V) map(table).get(key);
  }

  @SuppressWarnings("unchecked")
  public <K, V> V remove(Table<K, V> table, K key) {
    return key == null ? null : (V) map(table).remove(key);
  }

  /** Removes the entry only while it still maps to {@code value} (a newer one stays). */
  public <K, V> boolean remove(Table<K, V> table, K key, V value) {
    return key != null && map(table).remove(key, value);
  }

  @SuppressWarnings("unchecked")
  public <K, V> List<V> values(Table<K, V> table) {
    return new ArrayList<>((java.util.Collection<V>) map(table).values());
  }

  @SuppressWarnings("unchecked")
  public <K, V> List<K> keys(Table<K, V> table) {
    return new ArrayList<>((java.util.Collection<K>) map(table).keySet());
  }

  /** Entries per table, tables with none left out: what the JVM still holds. */
  public Map<String, Integer> sizes() {
    Map<String, Integer> sizes = new TreeMap<>();
    tables.forEach(
        (name, m) -> {
          if (!m.isEmpty()) {
            sizes.put(name, m.size());
          }
        });
    return sizes;
  }

  // ---- what the sink asks of the source

  /** The read stream of query {@code queryId} in this driver, or null. */
  public SourceHandle source(String queryId) {
    return get(SOURCES, queryId);
  }

  /**
   * Waits until query {@code queryId}'s read stream registers (its servers are up), woken by the
   * registration itself; gives up when {@code gaveUp} says so (checked at least every 100 ms) or
   * after {@code timeoutMillis}.
   *
   * @return the source, or null when it did not come
   */
  public SourceHandle awaitSource(
      String queryId, long timeoutMillis, java.util.function.BooleanSupplier gaveUp)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    synchronized (this) {
      SourceHandle found;
      while ((found = source(queryId)) == null && !gaveUp.getAsBoolean()) {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          return null;
        }
        wait(Math.min(left, 100));
      }
      return found;
    }
  }

  /** The queue with this token in this JVM, or null. */
  public RequestQueue queue(String token) {
    return ServingServers.queue(token);
  }

  /**
   * Whether task attempt {@code taskAttemptId}'s continuous reader has handed Spark a request after
   * the one numbered {@code requestId}.
   */
  public boolean handedAfter(long taskAttemptId, long requestId) {
    Long last = get(LAST_HANDED, taskAttemptId);
    return last != null && last != requestId;
  }
}
