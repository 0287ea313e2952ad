package dev.sparkembed.serving.source;

import dev.sparkembed.serving.conf.HttpSourceConf;
import dev.sparkembed.serving.conf.ServingMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.streaming.ContinuousStream;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.types.StructType;

/**
 * The scan of the {@code httpserver} source: starts the query's servers (placement by mode) when
 * Spark asks for the micro-batch or continuous stream, i.e. when the query starts. Driver.
 */
final class HttpScan implements Scan {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpScan.class);
  private final HttpSourceConf conf;

  HttpScan(HttpSourceConf conf) {
    this.conf = conf;
  }

  @Override
  public StructType readSchema() {
    return RequestRows.SCHEMA;
  }

  @Override
  public String description() {
    return "httpserver[" + conf.host() + ":" + conf.port() + conf.path() + "]";
  }

  @Override
  public MicroBatchStream toMicroBatchStream(String checkpointLocation) {
    HttpSourceConf withSecret = withSecret();
    SparkSession spark = SparkSession.active();
    return new HttpMicroBatchStream(
        withSecret, placement(withSecret, 0), spark.sparkContext().defaultParallelism());
  }

  @Override
  public ContinuousStream toContinuousStream(String checkpointLocation) {
    HttpSourceConf withSecret = withSecret();
    SparkSession spark = SparkSession.active();
    int lanes = conf.numPartitions();
    if (lanes <= 0) {
      // Every reader holds a task slot for the life of the query.
      lanes =
          conf.mode() == ServingMode.HEAD
              ? spark.sparkContext().defaultParallelism()
              : spark.sparkContext().getConf().getInt("spark.executor.cores", 1);
    }
    if (conf.maxRequestsPerBatch()
        != dev.sparkembed.serving.conf.HttpServerOptions.MAX_REQUESTS_PER_BATCH_DEFAULT) {
      LOG.warn(
          "Option '{}' is ignored with the continuous trigger (each request is read as it arrives)",
          dev.sparkembed.serving.conf.HttpServerOptions.MAX_REQUESTS_PER_BATCH);
    }
    return new HttpContinuousStream(withSecret, placement(withSecret, lanes), lanes);
  }

  private HttpSourceConf withSecret() {
    return conf.secret() != null ? conf : conf.withSecret(QueueSpecs.randomHex(16));
  }

  private ServerPlacement placement(HttpSourceConf c, int lanes) {
    if (c.mode() == ServingMode.HEAD) {
      return new HeadPlacement(c, lanes);
    }
    return DistributedPlacement.start(c, lanes);
  }
}
