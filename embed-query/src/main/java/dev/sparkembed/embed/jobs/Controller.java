package dev.sparkembed.embed.jobs;

import dev.sparkembed.embed.service.EmbeddingService;
import dev.sparkembed.embed.service.ServiceSetup;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The always-on controller app: the embedding service (serve's streaming query) whose own server
 * also answers the jobs API, and the job queue. One port, one HTTP stack. Driver only.
 */
public final class Controller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

  private final EmbeddingService service;
  private final JobController jobs;
  private final JobsApi api;
  private final int port;

  private Controller(EmbeddingService service, JobController jobs, JobsApi api, int port) {
    this.service = service;
    this.jobs = jobs;
    this.api = api;
    this.port = port;
  }

  /** Starts the job queue, publishes the jobs API, then starts the service on the public port. */
  public static Controller start(SparkSession spark, ControllerConf conf) {
    JobController jobs = new JobController(spark, conf.resultsRoot());
    JobsApi api =
        new JobsApi(
            jobs,
            conf.adminKey(),
            conf.loopbackOnly(),
            new JobSpecJson.Context(conf.connections(), DataDirectory.at(conf.dataDir())));
    ControllerServerExtension.publish(api);
    if (conf.adminKey() == null && !conf.loopbackOnly()) {
      LOG.warn(
          "The jobs API answers 403: {} listens beyond loopback and no {} (env {}) was given",
          conf.service().host(),
          AdminKeyCheck.FLAG,
          AdminKeyCheck.ENV);
    }
    try {
      EmbeddingService service =
          EmbeddingService.start(
              spark,
              conf.service(),
              new ServiceSetup(ControllerServerExtension.class, conf.checkpoint())
                  .withSourceOptions(conf.sourceOptions()));
      LOG.info(
          "Controller on {} (jobs API at /jobs; connections {})",
          conf.service().baseUrl(),
          conf.connections().names());
      return new Controller(service, jobs, api, conf.service().port());
    } catch (RuntimeException e) {
      ControllerServerExtension.publish(null);
      api.close();
      jobs.close();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  /** Whether the embedding service's streaming query is running. */
  public boolean serviceRunning() {
    return service.query().isActive();
  }

  public JobController jobs() {
    return jobs;
  }

  /** Blocks while the embedding service runs. */
  public void awaitTermination() throws Exception {
    service.awaitTermination();
  }

  @Override
  public void close() {
    ControllerServerExtension.publish(null);
    api.close();
    jobs.close();
    service.close();
  }
}
