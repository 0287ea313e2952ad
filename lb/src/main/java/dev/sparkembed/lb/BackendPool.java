package dev.sparkembed.lb;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The set of backends and the choice of one per request. Membership changes (static list,
 * registration, discovery) are rare and synchronized; {@link #choose} runs on every request from
 * every event loop and reads a copy-on-write snapshot without locking. Lives in the balancer's JVM.
 *
 * <p>Choice: the up backend with the fewest outstanding requests; ties go round robin, so a single
 * keep-alive client sending one request at a time still spreads over all backends.
 */
public final class BackendPool {

  private static final Logger LOG = LoggerFactory.getLogger(BackendPool.class);

  private final Map<BackendAddress, Backend> members = new LinkedHashMap<>(); // guarded by this
  private final List<Consumer<BackendAddress>> removalListeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger rotation = new AtomicInteger();
  private volatile Backend[] snapshot = new Backend[0];

  /** Adds {@code address} from {@code source}; true if it is new to the pool. */
  public boolean add(BackendAddress address, Backend.Source source, String label) {
    synchronized (this) {
      Backend backend = members.get(address);
      boolean added = backend == null;
      if (added) {
        backend = new Backend(address, label);
        members.put(address, backend);
        refresh();
      } else {
        backend.label(label);
      }
      backend.sources().add(source);
      if (added) {
        LOG.info("Backend {} added ({})", address, source.name().toLowerCase());
      }
      return added;
    }
  }

  /**
   * Withdraws {@code source}'s claim on {@code address}; the backend leaves the pool when no source
   * names it any more. Returns true if the source had named it.
   */
  public boolean remove(BackendAddress address, Backend.Source source) {
    boolean gone;
    synchronized (this) {
      Backend backend = members.get(address);
      if (backend == null || !backend.sources().remove(source)) {
        return false;
      }
      gone = backend.sources().isEmpty();
      if (gone) {
        members.remove(address);
        backend.markRemoved();
        refresh();
      }
    }
    if (gone) {
      LOG.info("Backend {} removed ({})", address, source.name().toLowerCase());
      removalListeners.forEach(l -> l.accept(address));
    }
    return true;
  }

  /** Makes {@code source} name exactly {@code addresses} (labels by address, may be empty). */
  public void replace(Backend.Source source, Map<BackendAddress, String> addresses) {
    Set<BackendAddress> stale = new HashSet<>();
    synchronized (this) {
      for (Backend backend : members.values()) {
        if (backend.sources().contains(source) && !addresses.containsKey(backend.address())) {
          stale.add(backend.address());
        }
      }
    }
    addresses.forEach((address, label) -> add(address, source, label));
    stale.forEach(address -> remove(address, source));
  }

  /**
   * The up backend with the fewest outstanding requests, skipping {@code exclude}; null if none.
   * Never blocks.
   */
  public Backend choose(Collection<Backend> exclude) {
    Backend[] all = snapshot;
    int n = all.length;
    if (n == 0) {
      return null;
    }
    int start = Math.floorMod(rotation.getAndIncrement(), n);
    Backend best = null;
    int bestLoad = Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      Backend candidate = all[(start + i) % n];
      if (!candidate.isUp() || exclude.contains(candidate)) {
        continue;
      }
      int load = candidate.outstanding();
      if (load < bestLoad) {
        best = candidate;
        bestLoad = load;
      }
    }
    return best;
  }

  /** All backends, in the order they joined. */
  public List<Backend> backends() {
    return List.of(snapshot);
  }

  public Backend get(BackendAddress address) {
    synchronized (this) {
      return members.get(address);
    }
  }

  public int size() {
    return snapshot.length;
  }

  public int upCount() {
    int up = 0;
    for (Backend b : snapshot) {
      up += b.isUp() ? 1 : 0;
    }
    return up;
  }

  /** Sources of a backend, copied under the pool's lock. */
  public Set<Backend.Source> sourcesOf(Backend backend) {
    synchronized (this) {
      return Set.copyOf(backend.sources());
    }
  }

  /** Called (on the thread that removed it) after a backend left the pool. */
  void onRemoved(Consumer<BackendAddress> listener) {
    removalListeners.add(listener);
  }

  private void refresh() {
    snapshot = members.values().toArray(new Backend[0]);
  }
}
