package dev.sparkembed.embed.service;

import dev.sparkembed.embed.engine.DeviceChoice;
import dev.sparkembed.serving.ServingQueries;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Spark settings {@code serve} adds to the user's {@code --conf}s (which always win): low
 * streaming poll delay, our jars for a cluster's executors, and the fractional task GPU amount that
 * the continuous trigger needs on GPU executors. Driver.
 */
public final class ServiceSparkSettings {
  static final String TASK_GPU = "spark.task.resource.gpu.amount";
  static final String EXECUTOR_GPU = "spark.executor.resource.gpu.amount";
  static final String EXECUTOR_CORES = "spark.executor.cores";

  private ServiceSparkSettings() {}

  /**
   * Every setting for the service's SparkSession.
   *
   * @param executorJars what {@code spark.jars} should hold on a cluster (the application's list;
   *     ignored for local masters)
   * @param notes receives one line per setting chosen on the user's behalf, for the log
   */
  public static Map<String, String> settings(
      ServiceConf conf, List<String> executorJars, List<String> notes) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("spark.app.name", "spark-embed serve");
    // An idle micro-batch loop checks for new requests this often (Spark's default is 10 ms,
    // which a lone request would wait for on average 5 ms).
    s.put("spark.sql.streaming.pollingDelay", "1ms");
    if (conf.continuous()) {
      s.putAll(ServingQueries.CONTINUOUS_SESSION_SETTINGS);
    }
    boolean local = conf.master().startsWith("local");
    if (!local && !conf.sparkConf().containsKey("spark.jars") && !executorJars.isEmpty()) {
      s.put("spark.jars", String.join(",", executorJars));
      notes.add("spark.jars: " + executorJars.size() + " jars for the executors");
    }
    if (conf.continuous()
        && !local
        && conf.model().device() != DeviceChoice.CPU
        && conf.sparkConf().containsKey(EXECUTOR_GPU)
        && !conf.sparkConf().containsKey(TASK_GPU)) {
      // Continuous processing runs every partition's task at once; with one GPU per executor and
      // a whole GPU per task, all but one task per executor would wait forever. Share the GPU
      // among the executor's task slots instead.
      String cores = conf.sparkConf().get(EXECUTOR_CORES);
      double gpus = Double.parseDouble(conf.sparkConf().get(EXECUTOR_GPU));
      if (cores != null) {
        double amount = gpus / Integer.parseInt(cores.trim());
        String value = String.format(Locale.ROOT, "%.4f", Math.min(1.0, amount));
        s.put(TASK_GPU, value);
        notes.add(TASK_GPU + "=" + value + " so the continuous trigger's tasks share each GPU");
      } else {
        notes.add(
            "continuous trigger on GPU executors: set --conf "
                + EXECUTOR_CORES
                + "=N so serve can set "
                + TASK_GPU
                + "=1/N (every partition's task runs at once)");
      }
    }
    s.putAll(conf.sparkConf());
    return s;
  }
}
