package dev.sparkembed.serving.source;

import dev.sparkembed.serving.server.InternalClient;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue on an executor's server, reached over the internal endpoints with the query's secret.
 * Calls that change the queue are sent without waiting (they are idempotent); failures are logged.
 * Driver.
 */
final class RemoteQueueHandle implements QueueHandle {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteQueueHandle.class);

  private final ServerInfo info;
  private final InternalClient client;
  private volatile long lastSeq;
  private volatile InternalClient.QueueStatus status;

  RemoteQueueHandle(ServerInfo info, String secret) {
    this.info = info;
    this.client = new InternalClient(info.address(), secret);
  }

  ServerInfo info() {
    return info;
  }

  long lastSeq() {
    return lastSeq;
  }

  /** The newest request number, waiting up to {@code waitMs} for one after {@code after}. */
  CompletableFuture<Long> latest(long after, long waitMs) {
    return client
        .status(info.token(), after, waitMs)
        .thenApply(
            s -> {
              status = s;
              lastSeq = Math.max(lastSeq, s.lastSeq());
              return s.lastSeq();
            });
  }

  /** The queue's counters as last reported (null before the first report). */
  InternalClient.QueueStatus status() {
    return status;
  }

  @Override
  public String token() {
    return info.token();
  }

  @Override
  public String address() {
    return info.address();
  }

  @Override
  public String executorId() {
    return info.executorId();
  }

  @Override
  public String preferredLocation() {
    return info.taskLocation();
  }

  @Override
  public void finishUpTo(long upTo, String cause) {
    send(client.post(InternalClient.FINISH, "queue", info.token(), "upTo", upTo, "cause", cause));
  }

  @Override
  public void commitUpTo(long upTo, String cause) {
    send(client.post(InternalClient.COMMIT, "queue", info.token(), "upTo", upTo, "cause", cause));
  }

  @Override
  public void commitLane(int lane, long upTo, String cause) {
    send(
        client.post(
            InternalClient.COMMIT,
            "queue",
            info.token(),
            "lane",
            lane,
            "upTo",
            upTo,
            "cause",
            cause));
  }

  @Override
  public void close(String reason) {
    try {
      client
          .post(InternalClient.CLOSE, "queue", info.token(), "cause", reason)
          .get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("Could not close queue {} on {}: {}", info.token(), info.address(), e.toString());
    }
  }

  private void send(CompletableFuture<Void> call) {
    call.whenComplete(
        (ok, err) -> {
          if (err != null) {
            LOG.debug("Call to {} failed: {}", info.address(), err.toString());
          }
        });
  }
}
