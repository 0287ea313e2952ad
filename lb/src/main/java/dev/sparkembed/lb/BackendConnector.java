package dev.sparkembed.lb;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands out backend connections: an idle pooled keep-alive connection when there is one, a new one
 * otherwise. Connections live on the event loop of the client connection that uses them (as in
 * Netty's proxy example), so each event loop has its own idle pool and touches only it: no locks.
 * Runs in the balancer's JVM.
 */
final class BackendConnector {

  private final Bootstrap template;
  private final int maxIdlePerBackend;
  private final Map<EventExecutor, Map<BackendAddress, ArrayDeque<Channel>>> idle =
      new ConcurrentHashMap<>();

  BackendConnector(LbOptions options) {
    this.maxIdlePerBackend = options.maxIdlePerBackend();
    this.template =
        new Bootstrap()
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            // Read only when the exchange is ready for the next chunk (backpressure).
            .option(ChannelOption.AUTO_READ, false)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
            .handler(new BackendChannelInitializer());
  }

  /**
   * A connection to {@code backend} on {@code loop}; must be called on {@code loop}. The future
   * fails when a new connection cannot be made (refused, timed out).
   */
  Future<Channel> acquire(EventLoop loop, BackendAddress backend) {
    ArrayDeque<Channel> pooled = idleOf(loop).get(backend);
    if (pooled != null) {
      Channel ch;
      while ((ch = pooled.pollLast()) != null) {
        if (ch.isActive()) {
          return loop.newSucceededFuture(ch);
        }
      }
    }
    Promise<Channel> promise = loop.newPromise();
    ChannelFuture connect = template.clone(loop).connect(backend.host(), backend.port());
    Channel channel = connect.channel();
    // Registered once per connection: a pooled connection that closes leaves the pool.
    channel.closeFuture().addListener(f -> forget(loop, backend, channel));
    connect.addListener(
        f -> {
          if (f.isSuccess()) {
            promise.trySuccess(channel);
          } else {
            promise.tryFailure(f.cause());
          }
        });
    return promise;
  }

  /**
   * Returns a connection whose last response was read completely; closes it when the pool is full.
   * Must be called on {@code loop}.
   */
  void release(EventLoop loop, BackendAddress backend, Channel ch) {
    if (!ch.isActive()) {
      return;
    }
    ArrayDeque<Channel> pooled = idleOf(loop).computeIfAbsent(backend, k -> new ArrayDeque<>());
    if (pooled.size() >= maxIdlePerBackend) {
      ch.close();
      return;
    }
    pooled.addLast(ch);
    // Keep one read pending so that a backend closing an idle connection is noticed at once.
    ch.read();
  }

  /** Closes the idle connections to a backend that left the pool, on every event loop. */
  void closeIdle(BackendAddress backend) {
    idle.forEach(
        (loop, byBackend) ->
            runOn(
                loop,
                () -> {
                  ArrayDeque<Channel> pooled = byBackend.remove(backend);
                  if (pooled != null) {
                    List.copyOf(pooled).forEach(Channel::close);
                  }
                }));
  }

  private Map<BackendAddress, ArrayDeque<Channel>> idleOf(EventLoop loop) {
    return idle.computeIfAbsent(loop, k -> new HashMap<>());
  }

  private void forget(EventLoop loop, BackendAddress backend, Channel ch) {
    ArrayDeque<Channel> pooled = idleOf(loop).get(backend);
    if (pooled != null) {
      pooled.remove(ch);
    }
  }

  private static void runOn(EventExecutor loop, Runnable task) {
    if (!loop.isShuttingDown()) {
      try {
        loop.execute(task);
      } catch (RejectedExecutionException e) {
        // The balancer is stopping: its event loops close every connection anyway.
      }
    }
  }
}
