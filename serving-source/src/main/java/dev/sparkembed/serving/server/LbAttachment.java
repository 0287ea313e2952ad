package dev.sparkembed.serving.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server's connections out to one load balancer's attach port: keeps {@link #CONNECTIONS} of
 * them open, each authenticated by the handshake and then served exactly like a connection a client
 * opened (same handlers, same routes), so the balancer can reach a server that accepts no inbound
 * connection. A lost or refused connection is opened again after a back-off (100 ms doubling to 5
 * s) until {@link #close}. Lives where the server lives: an executor, or the driver when it serves
 * itself.
 */
final class LbAttachment {
  private static final Logger LOG = LoggerFactory.getLogger(LbAttachment.class);

  /** Connections kept open; the balancer pipelines requests over them. */
  static final int CONNECTIONS = 4;

  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  private final String lbHost;
  private final int lbPort;
  private final String server;
  private final RouteTable routes = new RouteTable();
  private final EventLoopGroup group =
      new NioEventLoopGroup(2, new DefaultThreadFactory("spark-embed-attach", true));
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Bootstrap bootstrap;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicBoolean failing = new AtomicBoolean();
  private volatile boolean closed;

  /**
   * @param lbHostPort the balancer's attach address, {@code host:port}
   * @param server this server's advertised {@code host:port} (the backend's name at the balancer)
   */
  LbAttachment(
      String lbHostPort, String secret, String server, String label, long requestReadTimeoutMs) {
    int colon = lbHostPort.lastIndexOf(':');
    this.lbHost = lbHostPort.substring(0, colon).replace("[", "").replace("]", "");
    this.lbPort = Integer.parseInt(lbHostPort.substring(colon + 1));
    this.server = server;
    byte[] handshake = AttachProtocol.handshake(lbHostPort, secret, server, label);
    InternalEndpoints internal = new InternalEndpoints(routes);
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast("attach", new AttachHandshakeClient(handshake, new Slot(ch)));
                    ServingServerInitializer.addServingHandlers(
                        ch.pipeline(), routes, internal, requestReadTimeoutMs, false);
                  }
                });
  }

  RouteTable routes() {
    return routes;
  }

  /** Opens the connections; returns at once (they connect in the background). */
  void start() {
    for (int i = 0; i < CONNECTIONS; i++) {
      connect(0);
    }
    LOG.info("Server {} attaches to the load balancer at {}:{}", server, lbHost, lbPort);
  }

  private void connect(long delayMs) {
    if (closed) {
      return;
    }
    try {
      group.schedule(() -> open(delayMs), delayMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closing: nothing to reconnect.
    }
  }

  private void open(long lastDelayMs) {
    if (closed) {
      return;
    }
    long next = Math.min(MAX_BACKOFF_MS, Math.max(FIRST_BACKOFF_MS, lastDelayMs * 2));
    bootstrap
        .connect(lbHost, lbPort)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    if (failing.compareAndSet(false, true)) {
                      LOG.warn(
                          "Cannot reach the load balancer's attach port {}:{} from {}: {};"
                              + " retrying every {} ms at most",
                          lbHost,
                          lbPort,
                          server,
                          f.cause().toString(),
                          MAX_BACKOFF_MS);
                    }
                    connect(next);
                    return;
                  }
                  Slot slot = f.channel().attr(Slot.KEY).get();
                  f.channel().closeFuture().addListener(c -> connect(slot.retryAfter(next)));
                });
  }

  /** One connection's handshake outcome. */
  private final class Slot implements AttachHandshakeClient.Listener {
    static final io.netty.util.AttributeKey<Slot> KEY =
        io.netty.util.AttributeKey.valueOf("spark-embed-attach-slot");
    private final Channel channel;
    private volatile boolean wasAttached;
    private volatile boolean wasRefused;

    Slot(Channel channel) {
      this.channel = channel;
      channel.attr(KEY).set(this);
    }

    @Override
    public void attached() {
      wasAttached = true;
      int now = open.incrementAndGet();
      channel.closeFuture().addListener(c -> open.decrementAndGet());
      if (failing.compareAndSet(true, false) || now == 1) {
        LOG.info("Server {} attached to the load balancer at {}:{}", server, lbHost, lbPort);
      }
    }

    /** The delay before this connection's successor: short after a working one. */
    long retryAfter(long backoffMs) {
      return wasAttached ? FIRST_BACKOFF_MS : wasRefused ? MAX_BACKOFF_MS : backoffMs;
    }

    @Override
    public void refused(String statusLine) {
      wasRefused = true;
      if (failing.compareAndSet(false, true)) {
        LOG.warn(
            "The load balancer at {}:{} refused to attach server {} ({}): is its secret the"
                + " query's secret?",
            lbHost,
            lbPort,
            server,
            statusLine);
      }
    }
  }

  /** Connections through which the handshake went (tests, diagnostics). */
  int attachedConnections() {
    return open.get();
  }

  /**
   * Stops reconnecting; closes each connection after what its event loop already has to write (the
   * 503s of a stopping query), waiting up to {@link ServingServer#DRAIN_MILLIS}.
   */
  void close() {
    closed = true;
    for (Channel c : connections) {
      c.eventLoop()
          .execute(
              () ->
                  c.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
    }
    connections.newCloseFuture().awaitUninterruptibly(ServingServer.DRAIN_MILLIS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    LOG.info("Server {} detached from the load balancer at {}:{}", server, lbHost, lbPort);
  }
}
