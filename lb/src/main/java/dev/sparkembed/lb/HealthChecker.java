package dev.sparkembed.lb;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every backend with {@code GET /_spark-embed/health} each interval: {@code fall} failures
 * in a row mark it down, {@code rise} passes bring it back. Checks run on the balancer's event
 * loops and never block; at most one check per backend is in flight. Runs in the balancer's JVM.
 */
final class HealthChecker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

  /** The health endpoint every serving server answers with 200, without a secret. */
  static final String HEALTH_PATH = "/_spark-embed/health";

  private static final int MAX_HEALTH_BODY = 64 * 1024;

  private final BackendPool pool;
  private final HttpProbe probe;
  private final LbOptions options;
  private final EventLoopGroup group;
  private ScheduledFuture<?> task;

  HealthChecker(BackendPool pool, HttpProbe probe, LbOptions options, EventLoopGroup group) {
    this.pool = pool;
    this.probe = probe;
    this.options = options;
    this.group = group;
  }

  void start() {
    long every = options.healthInterval().toMillis();
    task = group.next().scheduleWithFixedDelay(this::checkAll, every, every, TimeUnit.MILLISECONDS);
    LOG.info(
        "Health checks every {} ms (timeout {} ms, down after {}, up after {})",
        every,
        options.healthTimeout().toMillis(),
        options.healthFall(),
        options.healthRise());
  }

  /** Starts one check per backend that has none in flight. */
  void checkAll() {
    for (Backend backend : pool.backends()) {
      // Attached backends are checked on their own connections (AttachedConnection's pings).
      if (backend.attached() == null && backend.tryStartCheck()) {
        check(backend);
      }
    }
  }

  private void check(Backend backend) {
    BackendAddress address = backend.address();
    probe
        .get(address.host(), address.port(), HEALTH_PATH, options.healthTimeout(), MAX_HEALTH_BODY)
        .whenComplete(
            (response, error) -> {
              if (error == null && response.status() == 200) {
                backend.checkPassed(options.healthRise());
              } else {
                String reason =
                    error != null
                        ? "health check failed: " + describe(error)
                        : "health check answered " + response.status();
                LOG.debug("Backend {} {}", address, reason);
                backend.checkFailed(options.healthFall(), reason);
              }
            });
  }

  static String describe(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }

  @Override
  public void close() {
    if (task != null) {
      task.cancel(false);
    }
  }
}
