package dev.sparkembed.bench;

/** A benchmarked service exited, or gave no correct reply, before its startup deadline. */
public final class ServiceStartException extends Exception {
  ServiceStartException(String message) {
    super(message);
  }
}
