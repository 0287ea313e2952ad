package dev.sparkembed.bench;

/**
 * Builds every user-facing error of the benchmark module, so messages share one shape: what was
 * wrong, the bad value, and what was expected. Runs in whichever JVM parses the options (the CLI).
 */
public final class BenchErrors {
  private BenchErrors() {}

  /** A benchmarked service that did not come up; the message says why and where its log is. */
  public static ServiceStartException serviceDidNotStart(
      String service, String why, String logTail) {
    StringBuilder sb = new StringBuilder(service).append(" did not start: ").append(why);
    if (logTail != null && !logTail.isBlank()) {
      sb.append("\n--- last lines of its log ---\n").append(logTail);
    }
    return new ServiceStartException(sb.toString());
  }

  /** The SynapseML harness could not be found or built. */
  public static IllegalStateException peerUnavailable(String what, Object where) {
    return new IllegalStateException("SynapseML peer unavailable: " + what + " (" + where + ")");
  }
}
