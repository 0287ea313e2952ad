package dev.sparkembed.serving.source;

import dev.sparkembed.serving.conf.HttpSourceConf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;

/**
 * Distributed mode: the small Spark job that starts (or finds) the server of each given executor,
 * one task per executor, each preferring its executor. Driver.
 */
final class ServerLaunchJob {
  private static final Logger LOG = LoggerFactory.getLogger(ServerLaunchJob.class);

  private ServerLaunchJob() {}

  /**
   * Runs one task per executor of {@code missing} (id to host), each preferring its executor, to
   * start its server.
   */
  static List<ServerInfo> run(
      SparkContext sc,
      HttpSourceConf conf,
      String runToken,
      int lanes,
      Map<String, String> missing) {
    List<Tuple2<Integer, scala.collection.Seq<String>>> items = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, String> e : missing.entrySet()) {
      String location = "executor_" + e.getValue() + "_" + e.getKey();
      items.add(
          new Tuple2<>(
              i++, JavaConverters.asScalaBufferConverter(List.of(location)).asScala().toSeq()));
    }
    sc.setJobDescription(
        "spark-embed: start servers for " + conf.path() + " on executors " + missing.keySet());
    try {
      return sc.makeRDD(
              JavaConverters.asScalaBufferConverter(items).asScala().toSeq(),
              ClassTag$.MODULE$.apply(Integer.class))
          .toJavaRDD()
          .map(new ExecutorServers.Launch(conf, runToken, lanes))
          .collect();
    } catch (RuntimeException e) {
      LOG.warn("Starting servers on executors {} failed: {}", missing.keySet(), e.toString());
      return List.of();
    }
  }
}
