package dev.sparkembed.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.URI;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One load run's connections: opens them, reopens one whenever it closes (so the run always holds
 * its planned number of connections), and closes them all at the end. Holds what every connection
 * of the run shares: the target, the workload, the timeout and the {@link LoadStats}. Runs in the
 * load generator's JVM; its methods are called from the I/O threads.
 */
final class LoadRun {
  /**
   * Pause before reopening a connection that failed to connect, so a dead target is not spun on.
   */
  private static final long RECONNECT_DELAY_MS = 100;

  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final LoadStats stats;
  private final Workload workload;
  private final String path;
  private final String hostHeader;
  private final long timeoutNanos;
  private volatile boolean running = true;

  LoadRun(EventLoopGroup group, URI target, Workload workload, LoadPlan plan, LoadStats stats) {
    this.group = group;
    this.stats = stats;
    this.workload = workload;
    this.path =
        target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
    this.hostHeader = target.getHost() + ":" + target.getPort();
    this.timeoutNanos = plan.requestTimeout().toNanos();
    int connectTimeoutMs = (int) Math.min(plan.requestTimeout().toMillis(), 10_000);
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(1, connectTimeoutMs))
            .remoteAddress(target.getHost(), target.getPort())
            .handler(new LoadClientInitializer(this));
  }

  /** Opens one connection; on failure counts a connect error and tries again shortly. */
  void connect() {
    if (!running) {
      return;
    }
    bootstrap
        .connect()
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                stats.error(ErrorKind.CONNECT);
                reconnectLater();
              }
            });
  }

  /** A connection of this run closed: open a replacement while the run goes on. */
  void connectionClosed() {
    connect();
  }

  private void reconnectLater() {
    if (!running) {
      return;
    }
    try {
      group.schedule(this::connect, RECONNECT_DELAY_MS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // The run is shutting down.
    }
  }

  /** Stops sending and closes every connection; waits at most {@code maxWaitMs}. */
  void stop(long maxWaitMs) {
    running = false;
    channels.close().awaitUninterruptibly(maxWaitMs);
  }

  boolean running() {
    return running;
  }

  ChannelGroup channels() {
    return channels;
  }

  LoadStats stats() {
    return stats;
  }

  Workload workload() {
    return workload;
  }

  String path() {
    return path;
  }

  String hostHeader() {
    return hostHeader;
  }

  long timeoutNanos() {
    return timeoutNanos;
  }
}
