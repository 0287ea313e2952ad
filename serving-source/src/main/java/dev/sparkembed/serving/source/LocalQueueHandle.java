package dev.sparkembed.serving.source;

import dev.sparkembed.serving.server.RequestQueue;
import dev.sparkembed.serving.server.ServingServers;

/** A queue in the driver's own JVM: every call is a direct method call. Driver. */
final class LocalQueueHandle implements QueueHandle {
  private final ServingServers.Registration registration;
  private final String executorId;

  LocalQueueHandle(ServingServers.Registration registration, String executorId) {
    this.registration = registration;
    this.executorId = executorId;
  }

  RequestQueue queue() {
    return registration.queue();
  }

  ServingServers.Registration registration() {
    return registration;
  }

  @Override
  public String token() {
    return registration.token();
  }

  @Override
  public String address() {
    return registration.address();
  }

  @Override
  public String executorId() {
    return executorId;
  }

  @Override
  public String preferredLocation() {
    return null;
  }

  @Override
  public void finishUpTo(long upTo, String cause) {
    queue().finishUpTo(upTo, cause);
  }

  @Override
  public void commitUpTo(long upTo, String cause) {
    queue().commitUpTo(upTo, cause);
  }

  @Override
  public void commitLane(int lane, long upTo, String cause) {
    queue().commitLane(lane, upTo, cause);
  }

  @Override
  public void close(String reason) {
    ServingServers.unregister(registration.token(), reason);
  }
}
