package dev.sparkembed.lb;

/**
 * What every attach connection of one balancer shares: options, the attached backends, counters.
 * Lives in the balancer's JVM.
 */
record AttachContext(LbOptions options, AttachRegistry registry, LbMetrics metrics) {}
