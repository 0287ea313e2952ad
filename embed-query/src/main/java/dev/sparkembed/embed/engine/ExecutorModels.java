package dev.sparkembed.embed.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide registry of loaded models: one {@link Embedder} per model spec and device in each
 * executor JVM (and in the driver for local mode), loaded lazily by the first task that asks,
 * shared by all the JVM's tasks, and closed at JVM shutdown (or by {@link #close}/{@link
 * #closeAll}, e.g. when a query stops). A load that fails is not cached, so a later task retries
 * and reports the same error.
 *
 * <p>Engine threads follow the cores the asking task owns ({@code spark.task.cpus}) unless the spec
 * fixes them; outside a task all available cores. Models are registered under the threads they run
 * with, so "the task's cores" and the same count given explicitly share one model, and a
 * driver-side caller's all-cores copy is never handed to tasks that own fewer cores. On a GPU
 * executor the CUDA device index is the GPU Spark assigned to the task.
 */
public final class ExecutorModels {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  private static final Map<Key, Slot> MODELS = new ConcurrentHashMap<>();
  private static final AtomicBoolean HOOK = new AtomicBoolean();

  private ExecutorModels() {}

  /**
   * The shared model for this spec, loading it on first use. Callers must not close it (its {@code
   * close()} does nothing); the registry owns it.
   *
   * @throws ModelLoadException naming the missing or invalid file
   */
  public static Embedder get(ModelSpec spec) {
    int gpu = spec.device() == DeviceChoice.CPU ? -1 : SparkTaskResources.gpuIndex().orElse(0);
    Key key = new Key(spec.threads() > 0 ? spec : spec.withThreads(threadsFor(spec)), gpu);
    registerShutdownHook();
    Slot slot = MODELS.computeIfAbsent(key, k -> new Slot());
    return slot.get(key);
  }

  /**
   * Closes and forgets every loaded model of this spec (of any thread count when the spec leaves
   * threads to the task); the next {@link #get} reloads it.
   */
  public static void close(ModelSpec spec) {
    List<Key> keys = new ArrayList<>();
    for (Key k : MODELS.keySet()) {
      if (spec.threads() > 0 ? k.spec.equals(spec) : k.spec.withThreads(0).equals(spec)) {
        keys.add(k);
      }
    }
    keys.forEach(ExecutorModels::closeKey);
  }

  /** Closes and forgets every loaded model of this JVM. */
  public static void closeAll() {
    new ArrayList<>(MODELS.keySet()).forEach(ExecutorModels::closeKey);
  }

  /** How many models this JVM holds now (for tests and metrics). */
  public static int loadedCount() {
    int n = 0;
    for (Slot s : MODELS.values()) {
      if (s.loaded != null) {
        n++;
      }
    }
    return n;
  }

  private static void closeKey(Key key) {
    Slot slot = MODELS.remove(key);
    if (slot != null) {
      slot.close();
    }
  }

  private static void registerShutdownHook() {
    if (HOOK.compareAndSet(false, true)) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(ExecutorModels::closeAll, "spark-embed-models-shutdown"));
    }
  }

  private static int threadsFor(ModelSpec spec) {
    if (spec.threads() > 0) {
      return spec.threads();
    }
    int cores = SparkTaskResources.taskCpus().orElse(Runtime.getRuntime().availableProcessors());
    return Math.max(1, Math.min(cores, ModelSpec.MAX_THREADS));
  }

  private record Key(ModelSpec spec, int gpu) {}

  /** Holds one lazily loaded model; loading happens once, outside the map's locks. */
  private static final class Slot {
    private volatile DjlEmbedder loaded;
    private volatile Embedder view;

    Embedder get(Key key) {
      Embedder v = view;
      if (v != null) {
        return v;
      }
      synchronized (this) {
        if (view == null) {
          try {
            loaded = DjlEmbedder.load(key.spec, key.spec.threads(), Math.max(0, key.gpu));
          } catch (RuntimeException e) {
            MODELS.remove(key, this);
            throw e;
          }
          view = new SharedEmbedder(loaded);
          LOG.info("Registered shared model {} for {}", loaded.modelName(), key.spec);
        }
        return view;
      }
    }

    synchronized void close() {
      if (loaded != null) {
        loaded.close();
      }
    }
  }

  /** A shared model as handed to tasks: every call but {@code close()} goes to the model. */
  private static final class SharedEmbedder implements Embedder {
    private final Embedder delegate;

    SharedEmbedder(Embedder delegate) {
      this.delegate = delegate;
    }

    @Override
    public EmbeddingResult embed(List<String> texts) {
      return delegate.embed(texts);
    }

    @Override
    public int dimension() {
      return delegate.dimension();
    }

    @Override
    public String modelName() {
      return delegate.modelName();
    }

    @Override
    public int maxSequenceLength() {
      return delegate.maxSequenceLength();
    }

    @Override
    public String device() {
      return delegate.device();
    }

    @Override
    public void close() {
      // The registry owns shared models; closing a task's handle must not unload them.
    }
  }
}
