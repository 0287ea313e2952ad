package dev.sparkembed.serving.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A queue's continuous-trigger lanes, one per reader: each new request goes to the lane that owes
 * the fewest answers; a reader takes its lane's requests (blocking) and remembers the ones it took
 * until their epoch commits; a stopped reader's unanswered ones go back to the front. Thread-safe;
 * lives with its {@link RequestQueue}.
 */
final class ContinuousLanes {
  private volatile Lane[] lanes = new Lane[0];

  synchronized void resize(int n) {
    if (lanes.length != n) {
      Lane[] fresh = new Lane[n];
      for (int i = 0; i < n; i++) {
        fresh[i] = i < lanes.length ? lanes[i] : new Lane();
      }
      lanes = fresh;
    }
  }

  int count() {
    return lanes.length;
  }

  /** Gives a new request to the least loaded lane (nothing without lanes). */
  void assign(PendingRequest e) {
    Lane[] ls = lanes;
    if (ls.length == 0) {
      return;
    }
    int lane = leastLoaded(ls);
    e.lane(lane);
    ls[lane].load.incrementAndGet();
    ls[lane].queue.add(e);
  }

  /**
   * The lane with the fewest unanswered requests. A reader takes its requests at once and answers
   * them later, so what a lane still owes (not what it has not taken yet) says how busy it is.
   */
  private static int leastLoaded(Lane[] ls) {
    int best = 0;
    for (int i = 1; i < ls.length; i++) {
      if (ls[i].load.get() < ls[best].load.get()) {
        best = i;
      }
    }
    return best;
  }

  /** A request of a lane stopped waiting (answered, expired, client gone). */
  void left(PendingRequest e) {
    int lane = e.lane();
    Lane[] ls = lanes;
    if (lane >= 0 && lane < ls.length) {
      ls[lane].load.decrementAndGet();
    }
  }

  PendingRequest take(int lane, long maxWaitMs) throws InterruptedException {
    Lane l = lanes[lane];
    while (true) {
      PendingRequest e = l.queue.poll(maxWaitMs, TimeUnit.MILLISECONDS);
      if (e == null) {
        return null;
      }
      if (e.isWaiting()) {
        l.taken.add(e);
        return e;
      }
      maxWaitMs = 0;
    }
  }

  List<PendingRequest> takeBatch(int lane, int max, long maxWaitMs) throws InterruptedException {
    List<PendingRequest> out = new ArrayList<>();
    PendingRequest first = take(lane, maxWaitMs);
    if (first == null) {
      return out;
    }
    out.add(first);
    PendingRequest next;
    while (out.size() < max && (next = take(lane, 0)) != null) {
      out.add(next);
    }
    return out;
  }

  /** Puts the lane's taken, still waiting requests back at its front; returns how many. */
  int requeueTaken(int lane) {
    Lane[] ls = lanes;
    if (lane >= ls.length) {
      return 0;
    }
    List<PendingRequest> back = new ArrayList<>();
    ls[lane].taken.removeIf(
        e -> {
          if (e.isWaiting()) {
            back.add(e);
            return true;
          }
          return false;
        });
    for (int i = back.size() - 1; i >= 0; i--) {
      ls[lane].queue.addFirst(back.get(i));
    }
    return back.size();
  }

  /** Removes and returns the lane's taken requests numbered up to {@code upTo}. */
  List<PendingRequest> drainTakenUpTo(int lane, long upTo) {
    Lane[] ls = lanes;
    List<PendingRequest> out = new ArrayList<>();
    if (lane >= ls.length) {
      return out;
    }
    PendingRequest e;
    while ((e = ls[lane].taken.peek()) != null && e.seq() <= upTo) {
      ls[lane].taken.poll();
      out.add(e);
    }
    return out;
  }

  private static final class Lane {
    final LinkedBlockingDeque<PendingRequest> queue = new LinkedBlockingDeque<>();
    final ConcurrentLinkedQueue<PendingRequest> taken = new ConcurrentLinkedQueue<>();

    /** Requests given to this lane that still wait for their answer. */
    final AtomicInteger load = new AtomicInteger();
  }
}
