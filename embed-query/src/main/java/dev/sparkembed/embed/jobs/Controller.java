package dev.sparkembed.embed.jobs;

import dev.sparkembed.embed.service.EmbeddingService;
import dev.sparkembed.embed.service.ServiceConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * The always-on controller app: the embedding service ({@code serve}'s streaming query, on a
 * loopback port), the job queue, and one HTTP front serving both on the public port. Driver only.
 */
public final class Controller implements AutoCloseable {
  private final EmbeddingService service;
  private final JobController jobs;
  private final ControllerServer server;

  private Controller(EmbeddingService service, JobController jobs, ControllerServer server) {
    this.service = service;
    this.jobs = jobs;
    this.server = server;
  }

  /**
   * Starts the service (when {@code serviceConf} is given; its host and port are the internal
   * loopback address), the job queue and the front server.
   */
  public static Controller start(
      org.apache.spark.sql.SparkSession spark,
      String host,
      int port,
      ServiceConf serviceConf,
      String apiKey,
      Path resultsRoot) {
    EmbeddingService service = null;
    JobController jobs = null;
    try {
      URI serviceUri = null;
      if (serviceConf != null) {
        service = EmbeddingService.start(spark, serviceConf);
        serviceUri = URI.create("http://" + serviceConf.host() + ":" + serviceConf.port() + "/");
      }
      jobs = new JobController(spark, resultsRoot);
      ControllerServer server = ControllerServer.start(host, port, jobs, serviceUri, apiKey);
      return new Controller(service, jobs, server);
    } catch (IOException | RuntimeException e) {
      if (jobs != null) {
        jobs.close();
      }
      if (service != null) {
        service.close();
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("Cannot start the controller on " + host + ":" + port, io);
      }
      throw (RuntimeException) e;
    }
  }

  public int port() {
    return server.port();
  }

  /** Whether the embedding service's streaming query is running. */
  public boolean serviceRunning() {
    return service != null && service.query().isActive();
  }

  public JobController jobs() {
    return jobs;
  }

  /** Blocks while the embedding service runs (or forever without one). */
  public void awaitTermination() throws Exception {
    if (service != null) {
      service.awaitTermination();
    } else {
      new java.util.concurrent.CountDownLatch(1).await();
    }
  }

  @Override
  public void close() {
    server.close();
    jobs.close();
    if (service != null) {
      service.close();
    }
  }
}
