package dev.sparkembed.lb;

/**
 * What every client connection of one balancer shares: options, backends, backend connections,
 * counters and the balancer's own endpoints. Lives in the balancer's JVM.
 */
record ProxyContext(
    LbOptions options,
    BackendPool pool,
    BackendConnector connector,
    LbMetrics metrics,
    AdminEndpoints admin) {}
