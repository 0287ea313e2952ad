package dev.sparkembed.serving.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** Wires one connection's pipeline; does nothing else. Event loop. */
final class ServingServerInitializer extends ChannelInitializer<SocketChannel> {
  /** A connection idle this long with no request in progress is closed (stalled clients too). */
  static final long IDLE_SECONDS = 60;

  private final RouteTable routes;
  private final InternalEndpoints internal;
  private final SslContext ssl;
  private final long requestReadTimeoutMs;
  private final ChannelGroup connections;

  /**
   * @param ssl the HTTPS context, or {@code null} for plain HTTP
   */
  ServingServerInitializer(
      RouteTable routes, SslContext ssl, long requestReadTimeoutMs, ChannelGroup connections) {
    this.routes = routes;
    this.requestReadTimeoutMs = requestReadTimeoutMs;
    this.connections = connections;
    this.internal = new InternalEndpoints(routes);
    this.ssl = ssl;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    connections.add(ch);
    ChannelPipeline p = ch.pipeline();
    if (ssl != null) {
      // TLS for clients; plain HTTP is still detected so that other JVMs of the query can reach
      // the internal endpoints (the handler refuses API paths without TLS).
      p.addLast("tls", new OptionalSslHandler(ssl));
    }
    p.addLast("idle", new IdleStateHandler(IDLE_SECONDS, 0, 0, TimeUnit.SECONDS));
    p.addLast("deadline", new RequestReadDeadline(requestReadTimeoutMs));
    p.addLast("codec", new HttpServerCodec(4096, 16384, 65536));
    p.addLast("chunks", new ChunkedWriteHandler());
    p.addLast("aggregator", new ServingRequestAggregator(routes));
    p.addLast("handler", new ServingRequestHandler(routes, internal, ssl != null));
  }
}
