package dev.sparkembed.serving.server;

/**
 * Event from {@link ServingRequestAggregator}: a body went over its path's limit (answered 413).
 */
record OversizedRequest(String path, long limit, boolean keepAlive) {}
