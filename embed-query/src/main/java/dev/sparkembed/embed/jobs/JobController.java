package dev.sparkembed.embed.jobs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's job queue: accepts validated job specs, runs them one at a time on one thread
 * against the controller's Spark session, keeps each job's state, and cancels through the job's
 * Spark job group. A failing job ends {@code failed} with its cause; the controller goes on. Keeps
 * the last {@value #HISTORY} finished jobs. Driver only.
 */
public final class JobController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobController.class);
  static final int HISTORY = 200;

  private final SparkSession spark;
  private final Path resultsRoot;
  private final ExecutorService runner;
  private final Map<String, JobRecord> jobs = Collections.synchronizedMap(new LinkedHashMap<>());

  public JobController(SparkSession spark, Path resultsRoot) {
    this.spark = spark;
    this.resultsRoot = resultsRoot;
    this.runner =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "spark-embed-jobs");
              t.setDaemon(true);
              return t;
            });
  }

  /** Queues a job; it runs after the jobs queued before it. */
  public JobRecord submit(BatchJobSpec spec, boolean pull) {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    JobRecord record =
        new JobRecord(id, spec, pull, pull ? resultsRoot.resolve(id).toAbsolutePath() : null);
    jobs.put(id, record);
    trimHistory();
    LOG.info("Job {} queued: {}", id, spec.describe());
    runner.execute(() -> run(record));
    return record;
  }

  private void run(JobRecord record) {
    BatchJob job = new BatchJob(spark, record.spec(), record.id());
    if (record.pull()) {
      job.resultsDirectory(record.resultsDirectory().toString());
    }
    if (!record.start(job)) {
      return;
    }
    LOG.info("Job {} running", record.id());
    try {
      BatchJobResult result = job.run();
      record.finish(JobState.SUCCEEDED, result, null);
      LOG.info("Job {} succeeded: {} rows", record.id(), result.rowsEmbedded());
    } catch (JobCancelledException e) {
      record.finish(JobState.CANCELLED, null, e.getMessage());
      LOG.info("Job {} cancelled", record.id());
    } catch (RuntimeException e) {
      // Validation problems (the database may have changed since the spec was accepted) and
      // run failures alike end the job, never the controller.
      String cause = e.getMessage() == null ? e.toString() : e.getMessage();
      record.finish(JobState.FAILED, null, cause);
      LOG.warn("Job {} failed: {}", record.id(), cause);
    }
  }

  public JobRecord get(String id) {
    return jobs.get(id);
  }

  public List<JobRecord> list() {
    synchronized (jobs) {
      return new ArrayList<>(jobs.values());
    }
  }

  /** Cancels a job; returns it, or null when there is no such job. */
  public JobRecord cancel(String id) {
    JobRecord r = jobs.get(id);
    if (r != null && !r.state().finished()) {
      LOG.info("Job {} cancel requested", id);
      r.cancel();
    }
    return r;
  }

  private void trimHistory() {
    synchronized (jobs) {
      int excess = jobs.size() - HISTORY;
      Iterator<JobRecord> it = jobs.values().iterator();
      while (excess > 0 && it.hasNext()) {
        if (it.next().state().finished()) {
          it.remove();
          excess--;
        }
      }
    }
  }

  /** Cancels what runs, drops what waits, and stops the job thread. */
  @Override
  public void close() {
    for (JobRecord r : list()) {
      if (!r.state().finished()) {
        r.cancel();
      }
    }
    runner.shutdownNow();
    try {
      runner.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
