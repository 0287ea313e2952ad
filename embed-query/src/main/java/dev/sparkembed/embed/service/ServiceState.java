package dev.sparkembed.embed.service;

import java.util.function.BooleanSupplier;

/**
 * What {@code /readyz}, {@code /v1/models} and {@code /api/tags} report, held per JVM: the served
 * model once this JVM (or the driver's warm-up job) has loaded it, and whether the service's query
 * runs. The driver sets both; on an executor of a distributed service the model is recorded when a
 * task loads it and the query counts as running while the executor's server exists.
 */
public final class ServiceState {
  private static volatile ModelInfo model;
  private static volatile BooleanSupplier queryActive = () -> true;
  private static volatile String queryState = "the query has not started";
  private static volatile String awaitingModel;

  private ServiceState() {}

  /**
   * The driver's server is up before any executor has the model (head mode): until {@link
   * #modelLoaded}, {@code /readyz} gives {@code reason} and embedding requests are refused with
   * 503.
   */
  public static void awaitingModel(String reason) {
    awaitingModel = reason;
  }

  /** Why embedding requests must wait for the model, or null when they need not (or no longer). */
  public static String awaitingModel() {
    return model == null ? awaitingModel : null;
  }

  /** Records the loaded model (first load wins; the same model is served everywhere). */
  public static void modelLoaded(ModelInfo info) {
    if (model == null) {
      model = info;
    }
  }

  public static ModelInfo model() {
    return model;
  }

  /** The driver's view of the query: active while {@code active} says so. */
  public static void query(BooleanSupplier active, String stateWhenInactive) {
    queryActive = active;
    queryState = stateWhenInactive;
  }

  /** Why the service is not ready, or {@code null} when it is. */
  public static String notReadyReason() {
    if (!queryActive.getAsBoolean()) {
      return queryState;
    }
    if (model != null) {
      return null;
    }
    String awaiting = awaitingModel;
    return awaiting != null ? awaiting : "the model is loading";
  }

  /** Forgets everything (tests; a stopped service). */
  public static void reset() {
    model = null;
    queryActive = () -> true;
    queryState = "the query has not started";
    awaitingModel = null;
  }
}
