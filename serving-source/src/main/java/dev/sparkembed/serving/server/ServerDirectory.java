package dev.sparkembed.serving.server;

/**
 * The live executor servers of one distributed query, as JSON {@code
 * {"servers":[{"host":...,"port":...,"executorId":...}]}}. Implemented on the driver; served at
 * {@code GET /_spark-embed/servers}.
 */
public interface ServerDirectory {
  String serversJson();

  /** True when requests on the path must go to the executors' servers, not this one. */
  boolean redirectsRequests();
}
