package dev.sparkembed.bench;

/**
 * Supplies the requests of a load run. Called from the load generator's I/O threads, so it must be
 * thread-safe and must not block.
 */
@FunctionalInterface
public interface Workload {
  PlannedRequest next();
}
