package dev.sparkembed.serving.server;

import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP request waiting in a {@link RequestQueue}: its data (what the row shows) and the
 * connection that waits for its answer. Lives in the JVM of the server that received it. Its state
 * moves once, from waiting to answered or to client-gone, so a request is never answered twice (a
 * retried task's second reply loses the race and is dropped).
 */
public final class PendingRequest {
  static final int WAITING = 0;
  static final int ANSWERED = 1;
  static final int CLIENT_GONE = 2;
  static final int EXPIRED = 3;

  private final long seq;
  private volatile RequestData data;
  private final ResponseSlot slot;
  private final AtomicInteger state = new AtomicInteger(WAITING);
  private volatile ScheduledFuture<?> timeout;
  private volatile int lane = -1;

  PendingRequest(long seq, RequestData data, ResponseSlot slot) {
    this.seq = seq;
    this.data = data;
    this.slot = slot;
  }

  public long seq() {
    return seq;
  }

  public RequestData data() {
    return data;
  }

  public boolean isWaiting() {
    return state.get() == WAITING;
  }

  int lane() {
    return lane;
  }

  void lane(int value) {
    lane = value;
  }

  void timeout(ScheduledFuture<?> future) {
    timeout = future;
  }

  /** Claims the right to answer; true exactly once, for the first caller. */
  boolean tryAnswer() {
    if (state.compareAndSet(WAITING, ANSWERED)) {
      release();
      ScheduledFuture<?> t = timeout;
      if (t != null) {
        t.cancel(false);
      }
      return true;
    }
    return false;
  }

  boolean markClientGone() {
    if (state.compareAndSet(WAITING, CLIENT_GONE)) {
      release();
      return true;
    }
    return false;
  }

  /** Drops the body once answered: the entry itself stays until its batch commits. */
  private void release() {
    RequestData d = data;
    if (d != null && d.body() != null && d.body().length > 0) {
      data = new RequestData(d.method(), d.path(), d.query(), d.headers(), null, d.receivedNanos());
    }
  }

  /** Claims the request for its timeout answer; the timer itself is not cancelled. */
  boolean markExpired() {
    if (state.compareAndSet(WAITING, EXPIRED)) {
      release();
      return true;
    }
    return false;
  }

  /** True when the client left or the request timed out: a reply now comes too late. */
  boolean isGoneOrExpired() {
    int s = state.get();
    return s == CLIENT_GONE || s == EXPIRED;
  }

  ResponseSlot slot() {
    return slot;
  }

  /** What a row shows of a request: method, path, query string, headers, body. */
  public record RequestData(
      String method,
      String path,
      String query,
      Map<String, String> headers,
      byte[] body,
      long receivedNanos) {}
}
