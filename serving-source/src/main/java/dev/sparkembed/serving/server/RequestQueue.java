package dev.sparkembed.serving.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests of one query on one server (one API path), numbered 1, 2, 3... in arrival order.
 * Lives in the JVM of its server: the driver in head mode, each executor in distributed mode.
 *
 * <p>A request stays here until the batch that read it commits ({@link #commitUpTo}), so a retried
 * task reads it again; it is answered at most once. Micro-batches read ranges of numbers;
 * continuous readers each take requests from their own lane. Bounded: at most {@code maxWaiting}
 * requests wait for an answer, beyond that new ones are refused (503).
 */
public final class RequestQueue {
  private static final Logger LOG = LoggerFactory.getLogger(RequestQueue.class);

  /** Why an offered request was not queued. */
  public enum Admission {
    QUEUED,
    FULL,
    CLOSED
  }

  private final String token;
  private final String secret;
  private final int maxWaiting;
  private final long timeoutMs;
  private final QueueMetrics metrics = new QueueMetrics();
  private final ConcurrentHashMap<Long, PendingRequest> entries = new ConcurrentHashMap<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final List<LongConsumer> arrivalListeners = new ArrayList<>();
  private volatile long lastSeq;
  private long firstKept = 1;
  private volatile boolean closed;
  private volatile String closeReason = "the query stopped or failed; not serving";
  private final ContinuousLanes lanes = new ContinuousLanes();

  RequestQueue(String token, String secret, int maxWaiting, long timeoutMs) {
    this.token = token;
    this.secret = secret;
    this.maxWaiting = maxWaiting;
    this.timeoutMs = timeoutMs;
  }

  /** The queue's unique name; request ids and offsets carry it. */
  public String token() {
    return token;
  }

  boolean secretMatches(String candidate) {
    return candidate != null
        && java.security.MessageDigest.isEqual(
            secret.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            candidate.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  public QueueMetrics metrics() {
    return metrics;
  }

  /** Requests waiting for their answer now. */
  public int depth() {
    return waiting.get();
  }

  /** The number of the newest request (0 before the first). */
  public long lastSeq() {
    return lastSeq;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Turns on continuous reading with {@code n} lanes (one per reader). */
  public void useLanes(int n) {
    lanes.resize(n);
  }

  public int laneCount() {
    return lanes.count();
  }

  /** Event loop: queues a new request, numbering it and arming its timeout. */
  Admission offer(RequestBuilder request) {
    if (closed) {
      return Admission.CLOSED;
    }
    if (waiting.incrementAndGet() > maxWaiting) {
      waiting.decrementAndGet();
      metrics.rejectedFull.increment();
      return Admission.FULL;
    }
    PendingRequest entry;
    long seq;
    List<LongConsumer> listeners;
    lock.lock();
    try {
      seq = lastSeq + 1;
      entry = request.build(seq);
      entries.put(seq, entry);
      lanes.assign(entry);
      lastSeq = seq;
      arrived.signalAll();
      listeners = arrivalListeners.isEmpty() ? List.of() : new ArrayList<>(arrivalListeners);
      arrivalListeners.clear();
    } finally {
      lock.unlock();
    }
    metrics.received.increment();
    entry.timeout(request.scheduleTimeout(() -> expire(entry), timeoutMs));
    for (LongConsumer l : listeners) {
      l.accept(seq);
    }
    if (closed) {
      // Closed while we queued: the close sweep may have missed this entry.
      finish(entry, 503, closeReason);
    }
    return Admission.QUEUED;
  }

  /**
   * Waits (up to {@code maxWaitMs}) until a request newer than {@code seq} arrives; returns the
   * newest number. Returns at once if one is there already; interruptible.
   */
  public long awaitAfter(long seq, long maxWaitMs) {
    if (lastSeq > seq || maxWaitMs <= 0 || closed) {
      return lastSeq;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
    lock.lock();
    try {
      while (lastSeq <= seq && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        arrived.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
    return lastSeq;
  }

  /**
   * Calls {@code listener} once, with the newest number, as soon as a request newer than {@code
   * seq} is queued (at once if one is). Returns false if it was called already.
   */
  boolean onArrivalAfter(long seq, LongConsumer listener) {
    lock.lock();
    try {
      if (lastSeq <= seq && !closed) {
        arrivalListeners.add(listener);
        return true;
      }
    } finally {
      lock.unlock();
    }
    listener.accept(lastSeq);
    return false;
  }

  void removeArrivalListener(LongConsumer listener) {
    lock.lock();
    try {
      arrivalListeners.remove(listener);
    } finally {
      lock.unlock();
    }
  }

  /** The waiting requests numbered {@code from} (exclusive) to {@code to} (inclusive). */
  public List<PendingRequest> read(long from, long to) {
    List<PendingRequest> out = new ArrayList<>((int) Math.min(Math.max(0, to - from), 4096));
    for (long s = from + 1; s <= to; s++) {
      PendingRequest e = entries.get(s);
      if (e != null && e.isWaiting()) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Continuous: the next request of lane {@code lane}, waiting up to {@code maxWaitMs}; null if
   * none came.
   */
  public PendingRequest take(int lane, long maxWaitMs) throws InterruptedException {
    return lanes.take(lane, maxWaitMs);
  }

  /**
   * Continuous: up to {@code max} requests of lane {@code lane}, waiting up to {@code maxWaitMs}
   * for the first one. Blocks: never call it on an event loop.
   */
  public List<PendingRequest> takeBatch(int lane, int max, long maxWaitMs)
      throws InterruptedException {
    return lanes.takeBatch(lane, max, maxWaitMs);
  }

  /**
   * Continuous: a reader of lane {@code lane} stopped; the requests it took but did not answer go
   * back to the front of the lane for the next reader.
   */
  public void requeueTaken(int lane) {
    int back = lanes.requeueTaken(lane);
    if (back > 0) {
      LOG.info("Requeued {} request(s) of a stopped reader of lane {}", back, lane);
    }
  }

  /** Answers request {@code seq} if it still waits. */
  public ReplyOutcome answer(long seq, HttpReply reply) {
    PendingRequest e = entries.get(seq);
    if (e == null) {
      if (seq > 0 && seq <= lastSeq) {
        metrics.duplicateReplies.increment();
        return ReplyOutcome.DUPLICATE;
      }
      metrics.lateReplies.increment();
      return ReplyOutcome.UNKNOWN;
    }
    if (e.tryAnswer()) {
      complete(e, reply);
      metrics.answered.increment();
      return ReplyOutcome.SENT;
    }
    if (e.isGoneOrExpired()) {
      metrics.lateReplies.increment();
      return ReplyOutcome.CLIENT_GONE;
    }
    metrics.duplicateReplies.increment();
    return ReplyOutcome.DUPLICATE;
  }

  private void complete(PendingRequest e, HttpReply reply) {
    waiting.decrementAndGet();
    lanes.left(e);
    metrics.latencyMicros.add((System.nanoTime() - e.data().receivedNanos()) / 1_000);
    e.slot().send(reply, e);
  }

  /**
   * Answers 500 to every request up to {@code upTo} that a batch read but wrote no reply for.
   * Idempotent; called when a batch's sink commits.
   */
  public int finishUpTo(long upTo, String cause) {
    int n = 0;
    long start = Math.max(firstKeptSnapshot(), 1);
    for (long s = start; s <= upTo; s++) {
      PendingRequest e = entries.get(s);
      if (e != null && finish(e, 500, cause)) {
        metrics.unanswered.increment();
        n++;
      }
    }
    if (n > 0) {
      LOG.warn("Answered 500 to {} request(s) of queue {}: {}", n, token, cause);
    }
    return n;
  }

  /** Forgets every request up to {@code upTo}, answering 500 to the unanswered first. */
  public void commitUpTo(long upTo, String cause) {
    finishUpTo(upTo, cause);
    lock.lock();
    try {
      long s = firstKept;
      for (; s <= upTo; s++) {
        entries.remove(s);
      }
      firstKept = Math.max(firstKept, s);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Continuous: answers 500 to, then forgets, lane {@code lane}'s taken requests to {@code upTo}.
   */
  public void commitLane(int lane, long upTo, String cause) {
    int n = 0;
    for (PendingRequest e : lanes.drainTakenUpTo(lane, upTo)) {
      if (finish(e, 500, cause)) {
        metrics.unanswered.increment();
        n++;
      }
      entries.remove(e.seq());
    }
    if (n > 0) {
      LOG.warn("Answered 500 to {} request(s) of queue {}: {}", n, token, cause);
    }
  }

  /** Closes the queue: every waiting request is answered 503 at once, new ones are refused. */
  public void close(String reason) {
    closeReason = reason;
    closed = true;
    lock.lock();
    try {
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
    int n = 0;
    for (PendingRequest e : entries.values()) {
      if (finish(e, 503, reason)) {
        n++;
      }
    }
    entries.clear();
    LOG.info("Closed request queue {}: {} ({} waiting requests answered 503)", token, reason, n);
  }

  public String closeReason() {
    return closeReason;
  }

  /** Event loop: the request's client closed its connection. */
  void clientGone(PendingRequest e) {
    if (e.markClientGone()) {
      waiting.decrementAndGet();
      lanes.left(e);
      metrics.clientGone.increment();
      LOG.debug("Client of request {}#{} closed its connection before the answer", token, e.seq());
    }
  }

  private void expire(PendingRequest e) {
    if (e.markExpired()) {
      metrics.timedOut.increment();
      waiting.decrementAndGet();
      lanes.left(e);
      e.slot()
          .send(
              HttpReply.error(504, "No reply within the request timeout of " + timeoutMs + " ms"),
              e);
    }
  }

  private boolean finish(PendingRequest e, int status, String message) {
    if (e.tryAnswer()) {
      waiting.decrementAndGet();
      lanes.left(e);
      e.slot()
          .send(
              status == 503 ? HttpReply.unavailable(message) : HttpReply.error(status, message), e);
      return true;
    }
    return false;
  }

  private long firstKeptSnapshot() {
    lock.lock();
    try {
      return firstKept;
    } finally {
      lock.unlock();
    }
  }

  /** Entries kept (waiting or answered, not yet committed); for tests and metrics. */
  public int kept() {
    return entries.size();
  }

  Map<Long, PendingRequest> entriesView() {
    return entries;
  }

  /** How a reply ended. */
  public enum ReplyOutcome {
    SENT,
    DUPLICATE,
    CLIENT_GONE,
    UNKNOWN
  }

  /** Builds the queued entry once its number is known (event loop). */
  interface RequestBuilder {
    PendingRequest build(long seq);

    java.util.concurrent.ScheduledFuture<?> scheduleTimeout(Runnable task, long delayMs);
  }
}
