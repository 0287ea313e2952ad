package dev.sparkembed.embed.jobs;

/** A batch job stopped by {@link BatchJob#cancel()} before it published anything. Driver only. */
public final class JobCancelledException extends RuntimeException {
  public JobCancelledException(String jobId) {
    super("Batch job " + jobId + " was cancelled; nothing was written to the target");
  }
}
