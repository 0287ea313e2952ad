package dev.sparkembed.lb;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a {@link BackendSource} every interval and makes the pool's discovered backends match it. A
 * failed poll keeps the last list (the driver may be restarting); it is logged once per streak of
 * failures. Runs in the balancer's JVM on one of its event loops; never blocks.
 */
final class Discovery implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

  private final BackendSource source;
  private final BackendPool pool;
  private final Duration interval;
  private final EventLoopGroup group;
  private final AtomicBoolean polling = new AtomicBoolean();
  private volatile boolean failing;
  private ScheduledFuture<?> task;

  Discovery(BackendSource source, BackendPool pool, Duration interval, EventLoopGroup group) {
    this.source = source;
    this.pool = pool;
    this.interval = interval;
    this.group = group;
  }

  void start() {
    long every = interval.toMillis();
    task = group.next().scheduleWithFixedDelay(this::poll, 0, every, TimeUnit.MILLISECONDS);
    LOG.info("Discovering backends from {} every {} ms", source, every);
  }

  /** Starts one poll unless the previous one is still running. */
  void poll() {
    if (!polling.compareAndSet(false, true)) {
      return;
    }
    try {
      source
          .servers()
          .whenComplete(
              (servers, error) -> {
                polling.set(false);
                if (error != null) {
                  failed(error);
                } else {
                  succeeded(servers);
                }
              });
    } catch (RuntimeException e) {
      polling.set(false);
      failed(e);
    }
  }

  private void succeeded(Map<BackendAddress, String> servers) {
    if (failing) {
      failing = false;
      LOG.info("Discovery from {} works again ({} servers)", source, servers.size());
    }
    pool.replace(Backend.Source.DISCOVERED, servers);
  }

  private void failed(Throwable error) {
    if (!failing) {
      failing = true;
      LOG.warn(
          "Discovery from {} failed, keeping the last list: {}",
          source,
          HealthChecker.describe(error));
    } else {
      LOG.debug("Discovery from {} still failing: {}", source, HealthChecker.describe(error));
    }
  }

  @Override
  public void close() {
    if (task != null) {
      task.cancel(false);
    }
  }
}
