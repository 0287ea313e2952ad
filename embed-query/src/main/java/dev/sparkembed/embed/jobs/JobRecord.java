package dev.sparkembed.embed.jobs;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One job the controller accepted: its spec, state, progress, result or error. Written by the
 * controller's job thread, read by HTTP threads. Driver only.
 */
public final class JobRecord {
  private final String id;
  private final BatchJobSpec spec;
  private final boolean pull;
  private final Path resultsDirectory;
  private final Instant submitted = Instant.now();
  private volatile JobState state = JobState.QUEUED;
  private volatile BatchJob job;
  private volatile BatchJobResult result;
  private volatile String error;
  private volatile Instant finished;
  private volatile boolean cancelRequested;

  JobRecord(String id, BatchJobSpec spec, boolean pull, Path resultsDirectory) {
    this.id = id;
    this.spec = spec;
    this.pull = pull;
    this.resultsDirectory = resultsDirectory;
  }

  public String id() {
    return id;
  }

  public JobState state() {
    return state;
  }

  public boolean pull() {
    return pull;
  }

  /** Where a pull job's JSON-lines results are, once it succeeded. */
  public Path resultsDirectory() {
    return resultsDirectory;
  }

  public String error() {
    return error;
  }

  BatchJobSpec spec() {
    return spec;
  }

  synchronized boolean start(BatchJob running) {
    if (cancelRequested) {
      return false;
    }
    this.job = running;
    this.state = JobState.RUNNING;
    return true;
  }

  synchronized void finish(JobState end, BatchJobResult r, String err) {
    this.result = r;
    this.error = err;
    this.state = end;
    this.finished = Instant.now();
  }

  /** Asks the job to stop; a queued job ends cancelled without running. */
  synchronized void cancel() {
    cancelRequested = true;
    if (state == JobState.QUEUED) {
      finish(JobState.CANCELLED, null, "cancelled before it started");
    } else if (state == JobState.RUNNING && job != null) {
      job.cancel();
    }
  }

  /** The job's status as the API returns it. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("state", state.wireName());
    m.put("description", spec.describe() + (pull ? " (pull)" : ""));
    BatchJob j = job;
    BatchJobResult r = result;
    if (r != null) {
      m.put("rowsDone", r.rowsEmbedded());
      m.put("rowsTotal", r.rowsSelected() - r.blankSkipped());
      m.put("rowsPerSecond", Math.round(r.rowsPerSecond() * 10) / 10.0);
      m.put("blankSkipped", r.blankSkipped());
      m.put("truncated", r.truncated());
      m.put("seconds", Math.round(r.seconds() * 10) / 10.0);
    } else if (j != null) {
      JobProgress p = j.progress();
      m.put("rowsDone", p.rowsDone());
      m.put("rowsTotal", p.rowsTotal() < 0 ? null : p.rowsTotal());
      m.put("rowsPerSecond", Math.round(p.rowsPerSecond() * 10) / 10.0);
    } else {
      m.put("rowsDone", 0);
      m.put("rowsTotal", null);
      m.put("rowsPerSecond", 0.0);
    }
    m.put("error", error);
    m.put("submitted", submitted.toString());
    m.put("finished", finished == null ? null : finished.toString());
    if (pull) {
      m.put("results", "/jobs/" + id + "/results");
    }
    return m;
  }
}
