package dev.sparkembed.serving.server;

import dev.sparkembed.serving.conf.ServingErrors;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.File;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Netty HTTP server bound to one host and port, serving the API paths in its {@link
 * RouteTable}. Started and stopped by {@link ServingServers} only. Lives in the driver (head mode)
 * or an executor (distributed mode).
 */
final class ServingServer {
  private static final Logger LOG = LoggerFactory.getLogger(ServingServer.class);

  private final String host;
  private final ServingServers.TlsFiles tls;
  private final RouteTable routes;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;
  private final ChannelGroup connections;

  /**
   * A stopping server still accepts and reads this long, so requests already on their way are
   * answered (503 with Retry-After) rather than lost in a reset.
   */
  static final long QUIET_MILLIS = 300;

  /** How long a stopping server waits for its connections' last answers to be written. */
  static final long DRAIN_MILLIS = 2_000;

  /**
   * Binds {@code host:port} (0 for any free port); HTTPS when {@code tls} is given.
   *
   * @throws java.net.BindException (sneaky) or another exception when the bind fails
   * @throws IllegalArgumentException naming the files when the certificate or key is unusable
   */
  static ServingServer bind(
      String host, int port, ServingServers.TlsFiles tls, long requestReadTimeoutMs)
      throws Exception {
    SslContext ssl = tls == null ? null : sslContext(tls);
    EventLoopGroup boss =
        new NioEventLoopGroup(1, new DefaultThreadFactory("spark-embed-accept", true));
    int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
    EventLoopGroup workers =
        new NioEventLoopGroup(threads, new DefaultThreadFactory("spark-embed-http", true));
    RouteTable routes = new RouteTable();
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    try {
      Channel ch =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(ChannelOption.SO_KEEPALIVE, true)
              .childOption(
                  ChannelOption.WRITE_BUFFER_WATER_MARK,
                  new WriteBufferWaterMark(256 << 10, 1 << 20))
              .childHandler(
                  new ServingServerInitializer(routes, ssl, requestReadTimeoutMs, connections))
              .bind(host, port)
              .sync()
              .channel();
      ServingServer server = new ServingServer(host, tls, boss, workers, ch, routes, connections);
      LOG.info("HTTP{} server listening on {}:{}", tls == null ? "" : "S", host, server.port());
      return server;
    } catch (Exception e) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static SslContext sslContext(ServingServers.TlsFiles tls) {
    try {
      return SslContextBuilder.forServer(new File(tls.certificate()), new File(tls.privateKey()))
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw ServingErrors.invalidTls(tls.certificate(), tls.privateKey(), e);
    }
  }

  private ServingServer(
      String host,
      ServingServers.TlsFiles tls,
      EventLoopGroup boss,
      EventLoopGroup workers,
      Channel channel,
      RouteTable routes,
      ChannelGroup connections) {
    this.connections = connections;
    this.host = host;
    this.tls = tls;
    this.boss = boss;
    this.workers = workers;
    this.channel = channel;
    this.routes = routes;
  }

  RouteTable routes() {
    return routes;
  }

  String host() {
    return host;
  }

  /** The PEM files when this server speaks HTTPS, else {@code null}. */
  ServingServers.TlsFiles tls() {
    return tls;
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /**
   * Stops accepting, then closes each connection after what its event loop already has to write
   * (the 503s of a stopping query), then the event loops: no client waiting for an answer is closed
   * on without one.
   */
  void close() {
    int port = port();
    // Still accepting and reading for a moment: what arrives now gets the retired paths' 503
    // (never a reset), and clients told to retry later stop coming before the port closes.
    channel
        .eventLoop()
        .schedule(() -> channel.close(), QUIET_MILLIS, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly();
    channel.closeFuture().awaitUninterruptibly(DRAIN_MILLIS);
    for (Channel c : connections) {
      c.eventLoop()
          .execute(
              () ->
                  c.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                      .addListener(io.netty.channel.ChannelFutureListener.CLOSE));
    }
    connections.newCloseFuture().awaitUninterruptibly(DRAIN_MILLIS);
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    LOG.info("HTTP server on {}:{} stopped", host, port);
  }
}
