package dev.sparkembed.lb;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend server as the balancer sees it: its address, where it came from, whether it is up,
 * and how many requests it is serving right now. Lives in the balancer's JVM; read and updated by
 * every event loop, so state is atomic or volatile and transitions are synchronized.
 */
public final class Backend {

  private static final Logger LOG = LoggerFactory.getLogger(Backend.class);

  /** How the balancer learned about a backend; a backend stays while any source names it. */
  public enum Source {
    STATIC,
    REGISTERED,
    DISCOVERED,
    /** The backend's server connected out to the attach port (executors that dial out). */
    ATTACHED
  }

  private final BackendAddress address;
  private final Set<Source> sources = EnumSet.noneOf(Source.class); // guarded by BackendPool
  private final AtomicInteger outstanding = new AtomicInteger();
  private final LongAdder requests = new LongAdder();
  private final AtomicBoolean checkRunning = new AtomicBoolean();
  private volatile String label;
  private volatile boolean up = true; // optimistic: a refused connection fails over anyway
  private volatile String lastError;
  private volatile boolean removed;
  private volatile AttachedBackend attached;
  private int consecutiveFailures; // guarded by this
  private int consecutiveSuccesses; // guarded by this

  Backend(BackendAddress address, String label) {
    this.address = address;
    this.label = label;
  }

  public BackendAddress address() {
    return address;
  }

  /** A name the backend gave itself (for executor servers, the executor id); may be null. */
  public String label() {
    return label;
  }

  void label(String newLabel) {
    if (newLabel != null) {
      this.label = newLabel;
    }
  }

  public boolean isUp() {
    return up;
  }

  /** Requests sent to this backend whose responses have not finished yet. */
  public int outstanding() {
    return outstanding.get();
  }

  /** Requests this backend has been given since it joined. */
  public long requests() {
    return requests.sum();
  }

  /** True once the backend left the pool; its connections are then not reused. */
  boolean isRemoved() {
    return removed;
  }

  void markRemoved() {
    removed = true;
  }

  /** The backend's attach connections, or null when it is reached by connecting to it. */
  AttachedBackend attached() {
    return attached;
  }

  void attached(AttachedBackend connections) {
    this.attached = connections;
  }

  public String lastError() {
    return lastError;
  }

  Set<Source> sources() {
    return sources;
  }

  void requestStarted() {
    outstanding.incrementAndGet();
    requests.increment();
  }

  void requestFinished() {
    outstanding.decrementAndGet();
  }

  /** Claims the right to run one health check; false while one is still in flight. */
  boolean tryStartCheck() {
    return checkRunning.compareAndSet(false, true);
  }

  /** Counts a passed health check; {@code rise} in a row bring a down backend back. */
  void checkPassed(int rise) {
    checkRunning.set(false);
    synchronized (this) {
      consecutiveFailures = 0;
      consecutiveSuccesses++;
      if (!up && consecutiveSuccesses >= rise) {
        up = true;
        lastError = null;
        LOG.info("Backend {} is up again", address);
      }
    }
  }

  /** Counts a failed health check; {@code fall} in a row mark an up backend down. */
  void checkFailed(int fall, String reason) {
    checkRunning.set(false);
    synchronized (this) {
      consecutiveSuccesses = 0;
      consecutiveFailures++;
      lastError = reason;
      if (up && consecutiveFailures >= fall) {
        up = false;
        LOG.warn("Backend {} is down after {} failed health checks: {}", address, fall, reason);
      }
    }
  }

  /** Marks the backend down at once: a refused connection or a connection lost mid-request. */
  void markDown(String reason) {
    synchronized (this) {
      consecutiveSuccesses = 0;
      lastError = reason;
      if (up) {
        up = false;
        LOG.warn("Backend {} marked down: {}", address, reason);
      }
    }
  }

  @Override
  public String toString() {
    return address + (up ? " (up, " : " (down, ") + outstanding.get() + " outstanding)";
  }
}
