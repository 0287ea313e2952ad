package dev.sparkembed.lb;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A list of live backend servers that {@link Discovery} polls, for example the Spark driver's list
 * of executor servers. Called on a balancer event loop: implementations must return at once and
 * complete the stage later (or return a completed one), never block.
 */
@FunctionalInterface
public interface BackendSource {

  /** The live servers now, each with an optional label (for example the executor id). */
  CompletionStage<Map<BackendAddress, String>> servers();
}
