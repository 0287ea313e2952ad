package dev.sparkembed.bench;

import dev.sparkembed.serving.conf.ServingErrors;
import java.time.Duration;

/**
 * One closed-loop phase: how many keep-alive connections, how long to warm up (results discarded),
 * how long to measure, and how long one request may wait for its reply.
 */
public record LoadPlan(
    int connections, Duration warmup, Duration duration, Duration requestTimeout) {

  public LoadPlan {
    if (connections < 1) {
      throw ServingErrors.invalidOption("connections", connections, "at least 1");
    }
    if (warmup.isNegative()) {
      throw ServingErrors.invalidOption("warmup", warmup, "zero or more");
    }
    if (duration.isNegative()) {
      throw ServingErrors.invalidOption("duration", duration, "zero or more");
    }
    if (requestTimeout.isZero() || requestTimeout.isNegative()) {
      throw ServingErrors.invalidOption("request-timeout", requestTimeout, "more than zero");
    }
  }
}
