package dev.sparkembed.serving.server;

/**
 * Event from {@link ServingRequestAggregator}: a request answered without reading its body (413
 * over the limit, 403 an internal call without the secret). The connection then lingers and closes.
 */
record RefusedRequest(String path, int status, String message) {}
