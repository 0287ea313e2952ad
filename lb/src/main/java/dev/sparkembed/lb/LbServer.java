package dev.sparkembed.lb;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load balancer: one HTTP address in front of many backend servers (the executors' servers in
 * distributed serving mode). Binds, starts health checks and discovery, and stops them all in
 * {@link #close()}. Runs wherever it is started: the {@code spark-embed lb} process, or a Spark
 * driver that wants one address for its executors.
 *
 * <pre>{@code
 * LbOptions options = LbOptions.builder().set("port", "8080").addBackend("10.0.0.5:8889").build();
 * try (LbServer lb = LbServer.start(options)) {
 *   lb.closeFuture().syncUninterruptibly();
 * }
 * }</pre>
 */
public final class LbServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LbServer.class);

  private final LbOptions options;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final BackendPool pool;
  private final BackendConnector connector;
  private final HealthChecker healthChecker;
  private final Discovery discovery;
  private final Discovery sourceDiscovery;
  private final AtomicBoolean closed = new AtomicBoolean();
  private Channel serverChannel;
  private Channel attachChannel;
  private int boundPort;

  private LbServer(LbOptions options, BackendSource source) {
    this.options = options;
    this.bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("lb-accept", true));
    this.workerGroup =
        new NioEventLoopGroup(options.threads(), new DefaultThreadFactory("lb-io", true));
    this.pool = new BackendPool();
    this.connector = new BackendConnector(options);
    pool.onRemoved(connector::closeIdle);
    HttpProbe probe = new HttpProbe(workerGroup);
    this.healthChecker = new HealthChecker(pool, probe, options, workerGroup);
    this.discovery =
        options
            .discover()
            .map(
                url ->
                    new Discovery(
                        new HttpBackendSource(
                            url, probe, options.healthTimeout(), options.secret()),
                        pool,
                        options.discoverInterval(),
                        workerGroup))
            .orElse(null);
    this.sourceDiscovery =
        source == null
            ? null
            : new Discovery(source, pool, options.discoverInterval(), workerGroup);
    for (BackendAddress backend : options.backends()) {
      pool.add(backend, Backend.Source.STATIC, null);
    }
  }

  /** Binds and starts; throws if the address cannot be bound. */
  public static LbServer start(LbOptions options) throws InterruptedException {
    return start(options, null);
  }

  /**
   * Binds and starts, also polling {@code source} (for example a driver's live executor servers)
   * every {@code discover-interval}; {@code source} may be null.
   */
  public static LbServer start(LbOptions options, BackendSource source)
      throws InterruptedException {
    LbServer server = new LbServer(options, source);
    try {
      server.bind();
    } catch (InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void bind() throws InterruptedException {
    LbMetrics metrics = new LbMetrics();
    ProxyContext context =
        new ProxyContext(
            options, pool, connector, metrics, new AdminEndpoints(pool, metrics, options));
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(bossGroup, workerGroup)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            // Read a client only when its previous request is answered (see LbFrontendHandler).
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(new LbServerInitializer(context));
    serverChannel = bootstrap.bind(options.host(), options.port()).sync().channel();
    boundPort = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    if (options.secret().isPresent()) {
      AttachContext attach = new AttachContext(options, new AttachRegistry(pool, metrics), metrics);
      attachChannel =
          new ServerBootstrap()
              .group(bossGroup, workerGroup)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(ChannelOption.SO_KEEPALIVE, true)
              .childHandler(new AttachChannelInitializer(attach))
              .bind(options.host(), options.attachPort())
              .sync()
              .channel();
    }
    healthChecker.start();
    if (discovery != null) {
      discovery.start();
    }
    if (sourceDiscovery != null) {
      sourceDiscovery.start();
    }
    LOG.info(
        "Load balancer listening on http://{}:{} ({} static backends{}{})",
        options.host(),
        port(),
        options.backends().size(),
        options.discover().map(u -> ", discovering from " + u).orElse(""),
        options.secret().isPresent()
            ? ", registration enabled, attach port " + attachPort()
            : ", no secret: registration and attach port off");
  }

  /** The bound attach port, or -1 when it is off (no secret). */
  public int attachPort() {
    return attachChannel == null
        ? -1
        : ((InetSocketAddress) attachChannel.localAddress()).getPort();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return boundPort;
  }

  public String host() {
    return options.host();
  }

  /** The backends; also the Java API to add or remove them. */
  public BackendPool backends() {
    return pool;
  }

  /** Completes when the balancer stops. */
  public ChannelFuture closeFuture() {
    return serverChannel.closeFuture();
  }

  /** Stops health checks and discovery, closes every connection; safe to call twice. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    healthChecker.close();
    if (discovery != null) {
      discovery.close();
    }
    if (sourceDiscovery != null) {
      sourceDiscovery.close();
    }
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    if (attachChannel != null) {
      attachChannel.close().syncUninterruptibly();
    }
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    LOG.info(
        "Load balancer on {}:{} stopped",
        options.host(),
        serverChannel == null ? options.port() : port());
  }
}
