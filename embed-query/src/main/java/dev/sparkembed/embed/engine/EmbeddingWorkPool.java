package dev.sparkembed.embed.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM-wide embedding work pool of an executor (beside {@link ExecutorModels}): a call of more
 * than {@link #CHUNK_TEXTS} texts is cut into chunks of similar length, and the chunks of every
 * caller in the JVM go to ONE queue served by one worker thread per core, each running the shared
 * model with a single engine thread. Every core then stays busy until the last chunk of all the
 * JVM's callers is done (two tasks of a micro-batch no longer leave a core idle when one partition
 * finishes first), and a single-threaded engine run wastes nothing on intra-op synchronisation. The
 * caller waits for its own chunks and gets its vectors in its own order; a failed chunk fails the
 * call that owns it, never another caller's. A call of at most {@link #CHUNK_TEXTS} texts runs on
 * the caller's thread with the caller's model, so a lone short request keeps its latency.
 *
 * <p>CPU only: on a GPU one big call is what the device wants, so {@link #get} returns the plain
 * shared model there. Executor side (and the driver in local mode).
 */
public final class EmbeddingWorkPool {
  /** Texts per chunk: the size at which a single-threaded run reaches its best throughput. */
  public static final int CHUNK_TEXTS = 32;

  private static final Map<Key, Workers> POOLS = new ConcurrentHashMap<>();
  private static final ThreadLocal<long[]> LAST_ENGINE_NANOS =
      ThreadLocal.withInitial(() -> new long[] {-1});

  private EmbeddingWorkPool() {}

  /**
   * The embedder a task should use for {@code spec}: calls of at most {@link #CHUNK_TEXTS} texts go
   * to the shared model of {@code spec} on the caller's thread; larger calls to the JVM's pool of
   * {@code workers} threads. Like {@link ExecutorModels#get}, loads models on first use and must
   * not be closed by callers.
   *
   * @param workers worker threads (the executor's cores); 0 or less: every core of this JVM
   */
  public static Embedder get(ModelSpec spec, int workers) {
    Embedder direct = ExecutorModels.get(spec);
    if (spec.device() != DeviceChoice.CPU) {
      return direct;
    }
    int n = workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    ModelSpec single = spec.withThreads(1);
    // The registry keys models by the threads they run with: a caller whose model already runs
    // one engine thread gets that very model back here, shared with the workers.
    Embedder chunkModel = ExecutorModels.get(single);
    Workers pool = POOLS.computeIfAbsent(new Key(single, n), k -> new Workers(k.workers));
    return new Pooled(direct, chunkModel, pool);
  }

  /**
   * The engine time of this thread's last pooled call: the nanoseconds its chunks ran on the
   * workers, summed (core-time, waiting in the queue excluded); -1 when that call ran directly.
   */
  public static long lastCallEngineNanos() {
    return LAST_ENGINE_NANOS.get()[0];
  }

  /** Nanoseconds the pools' workers have spent running the model, summed over workers. */
  public static long busyNanos() {
    long sum = 0;
    for (Workers w : POOLS.values()) {
      sum += w.busyNanos.get();
    }
    return sum;
  }

  /** Stops every pool's threads (their models belong to {@link ExecutorModels}). */
  public static void shutdownAll() {
    for (Key k : new ArrayList<>(POOLS.keySet())) {
      Workers w = POOLS.remove(k);
      if (w != null) {
        w.executor.shutdown();
      }
    }
  }

  /**
   * Chunks of the texts' indices: sorted by length (longest first) so a chunk pads little, and cut
   * into equal parts of at most {@code chunkTexts}.
   */
  static List<int[]> chunks(List<String> texts, int chunkTexts) {
    int n = texts.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> texts.get(i).length()).reversed());
    int count = (n + chunkTexts - 1) / chunkTexts;
    List<int[]> chunks = new ArrayList<>(count);
    int start = 0;
    for (int c = 0; c < count; c++) {
      int end = (int) ((long) n * (c + 1) / count);
      int[] chunk = new int[end - start];
      for (int i = start; i < end; i++) {
        chunk[i - start] = order[i];
      }
      chunks.add(chunk);
      start = end;
    }
    return chunks;
  }

  private record Key(ModelSpec spec, int workers) {}

  private record ChunkResult(EmbeddingResult result, long nanos) {}

  /** One pool's threads: daemon, one per core, sharing one FIFO queue. */
  private static final class Workers {
    private final ExecutorService executor;
    private final AtomicLong busyNanos = new AtomicLong();

    Workers(int threads) {
      AtomicInteger seq = new AtomicInteger();
      ThreadFactory factory =
          r -> {
            Thread t = new Thread(r, "spark-embed-pool-" + seq.incrementAndGet());
            t.setDaemon(true);
            return t;
          };
      this.executor =
          new ThreadPoolExecutor(
              threads, threads, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
    }
  }

  /** A task's handle: small calls on the caller's thread, large ones through the pool. */
  private static final class Pooled implements Embedder {
    private final Embedder direct;
    private final Embedder chunkModel;
    private final Workers workers;

    Pooled(Embedder direct, Embedder chunkModel, Workers workers) {
      this.direct = direct;
      this.chunkModel = chunkModel;
      this.workers = workers;
    }

    @Override
    public EmbeddingResult embed(List<String> texts) {
      long[] engineNanos = LAST_ENGINE_NANOS.get();
      engineNanos[0] = -1;
      if (texts.size() <= CHUNK_TEXTS) {
        return direct.embed(texts);
      }
      for (int i = 0; i < texts.size(); i++) {
        if (texts.get(i) == null) {
          throw EngineErrors.nullText(i);
        }
      }
      List<int[]> chunks = chunks(texts, CHUNK_TEXTS);
      List<Future<ChunkResult>> futures = new ArrayList<>(chunks.size());
      for (int[] chunk : chunks) {
        List<String> part = new ArrayList<>(chunk.length);
        for (int idx : chunk) {
          part.add(texts.get(idx));
        }
        futures.add(workers.executor.submit(() -> run(part)));
      }
      float[][] vectors = new float[texts.size()][];
      int[] tokenCounts = new int[texts.size()];
      int truncated = 0;
      long spent = 0;
      try {
        for (int c = 0; c < chunks.size(); c++) {
          ChunkResult done = futures.get(c).get();
          EmbeddingResult r = done.result;
          spent += done.nanos;
          int[] chunk = chunks.get(c);
          for (int k = 0; k < chunk.length; k++) {
            vectors[chunk[k]] = r.vectors()[k];
            tokenCounts[chunk[k]] = r.tokenCounts()[k];
          }
          truncated += r.truncatedCount();
        }
      } catch (InterruptedException e) {
        futures.forEach(f -> f.cancel(false));
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "Interrupted while embedding " + texts.size() + " texts", e);
      } catch (ExecutionException e) {
        futures.forEach(f -> f.cancel(false));
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException("Embedding failed: " + cause, cause);
      }
      engineNanos[0] = spent;
      return new EmbeddingResult(vectors, tokenCounts, truncated);
    }

    private ChunkResult run(List<String> part) {
      long start = System.nanoTime();
      EmbeddingResult r = chunkModel.embed(part);
      long nanos = System.nanoTime() - start;
      workers.busyNanos.addAndGet(nanos);
      return new ChunkResult(r, nanos);
    }

    @Override
    public int dimension() {
      return direct.dimension();
    }

    @Override
    public String modelName() {
      return direct.modelName();
    }

    @Override
    public int maxSequenceLength() {
      return direct.maxSequenceLength();
    }

    @Override
    public String device() {
      return direct.device();
    }

    @Override
    public void close() {
      // The registry owns the models and the pool owns its threads.
    }
  }
}
