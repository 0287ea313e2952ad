package dev.sparkembed.embed.engine;

import ai.djl.engine.Engine;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts DJL's PyTorch engine in this JVM with the project's settings, once: natives from the jars
 * on the classpath (DJL stays offline: see {@code DjlOffline}), or from {@code
 * PYTORCH_LIBRARY_PATH} where an image provides its own (the CUDA build); intra-op threads = the
 * first model's threads, one inter-op thread; and the graph executor's optimiser off, since it
 * re-profiles for every new input shape and our batches come in many sequence lengths. A value the
 * user set as a system property wins. PyTorch's thread counts are process-wide, so later models
 * share the first one's; a different request is logged. Executor side (and the driver in local
 * mode).
 */
final class TorchEngineSettings {
  private static final Logger LOG = LoggerFactory.getLogger(TorchEngineSettings.class);
  static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
  static final String NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";
  static final String GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";

  private static final AtomicInteger STARTED_THREADS = new AtomicInteger();

  private TorchEngineSettings() {}

  /**
   * Starts the engine (first call) and returns the intra-op threads it runs with.
   *
   * @throws ModelLoadException naming what is missing when the engine cannot start
   */
  static int start(int threads) {
    synchronized (TorchEngineSettings.class) {
      if (STARTED_THREADS.get() == 0) {
        setIfAbsent(NUM_THREADS, String.valueOf(Math.max(1, threads)));
        setIfAbsent(NUM_INTEROP_THREADS, "1");
        setIfAbsent(GRAPH_OPTIMIZER, "false");
        try {
          Engine engine = Engine.getEngine(EngineChoice.PYTORCH.djlName());
          LOG.info(
              "PyTorch engine {} started ({} intra-op threads, graph optimizer {})",
              engine.getVersion(),
              System.getProperty(NUM_THREADS),
              System.getProperty(GRAPH_OPTIMIZER));
        } catch (RuntimeException | LinkageError e) {
          throw EngineErrors.pytorchNotStarted(e);
        }
        Integer set = Integer.getInteger(NUM_THREADS); // what DJL read; null if not a number
        STARTED_THREADS.set(set != null && set > 0 ? set : Math.max(1, threads));
      }
    }
    int running = STARTED_THREADS.get();
    if (threads > 0 && threads != running) {
      LOG.info(
          "A model asked for {} PyTorch threads; PyTorch's thread count is per process and stays {}",
          threads,
          running);
    }
    return running;
  }

  private static void setIfAbsent(String key, String value) {
    String set = System.getProperty(key);
    if (set == null || set.isBlank()) {
      System.setProperty(key, value.toLowerCase(Locale.ROOT));
    }
  }
}
