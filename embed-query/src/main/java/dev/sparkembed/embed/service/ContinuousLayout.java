package dev.sparkembed.embed.service;

import dev.sparkembed.embed.engine.ModelSpec;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the service lays out the continuous trigger: readers per server and the model's threads.
 * Every reader holds a task slot for the life of the query and answers what it has gathered with
 * one model call at a time, so by default there is ONE reader per server whose calls use all the
 * executor's cores: a lone request gets the model's full speed, and requests that arrive meanwhile
 * wait in the reader's queue and go into the next call together. With {@code --num-partitions N}
 * the cores are split between the N readers. A model spec that fixes its threads is kept as it is.
 * Driver.
 */
final class ContinuousLayout {
  private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]");
  private static final Pattern LOCAL_CLUSTER =
      Pattern.compile("local-cluster\\[\\s*\\d+\\s*,\\s*(\\d+)\\s*,.*]");
  static final String EXECUTOR_CORES = "spark.executor.cores";

  private ContinuousLayout() {}

  /** Readers per server: {@code --num-partitions}, or one. */
  static int readersPerServer(ServiceConf conf) {
    return conf.numPartitions() > 0 ? conf.numPartitions() : 1;
  }

  /**
   * The model spec the continuous readers use: the executor's cores shared among its readers, or
   * the spec as given when it fixes its threads or the executor's cores are unknown (a cluster
   * without {@code spark.executor.cores}: then each call uses its task's cores).
   */
  static ModelSpec model(ServiceConf conf, Map<String, String> sparkConf) {
    int cores = executorCores(conf.master(), sparkConf);
    if (conf.model().threads() > 0 || cores <= 0) {
      return conf.model();
    }
    return conf.model().withThreads(Math.max(1, cores / readersPerServer(conf)));
  }

  /** The cores of one executor of {@code master}, or 0 when the master does not say. */
  static int executorCores(String master, Map<String, String> sparkConf) {
    String m = master.trim();
    if ("local".equals(m)) {
      return 1;
    }
    Matcher local = LOCAL.matcher(m);
    if (local.matches()) {
      return "*".equals(local.group(1))
          ? Runtime.getRuntime().availableProcessors()
          : Integer.parseInt(local.group(1));
    }
    Matcher cluster = LOCAL_CLUSTER.matcher(m);
    if (cluster.matches()) {
      return Integer.parseInt(cluster.group(1));
    }
    String cores = sparkConf.get(EXECUTOR_CORES);
    try {
      return cores == null ? 0 : Math.max(0, Integer.parseInt(cores.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
