package dev.sparkembed.embed.jobs;

import java.util.Locale;

/** Where a controller job is in its life. Driver only. */
public enum JobState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public boolean finished() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  /** As the job API writes it: {@code queued}, {@code running}, ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
