package dev.sparkembed.lb;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny real HTTP backend for the balancer's tests, on 127.0.0.1 and an ephemeral port. Paths:
 * {@code /_spark-embed/health}; {@code /_spark-embed/servers} (a settable JSON list, for
 * discovery); {@code /hold} (answered only by {@link #releaseHeld()}); {@code /delay?ms=N}; {@code
 * /chunked}; anything else echoes {@code {"backend":..,"uri":..,"bodyLength":..}}.
 */
final class TestBackend implements AutoCloseable {

  final String name;
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger listRequests = new AtomicInteger();
  final Set<Channel> servingConnections = ConcurrentHashMap.newKeySet();
  volatile String serversJson = "{\"servers\":[]}";

  /** When set, the server list answers 403 unless the request carries this secret. */
  volatile String listSecret;

  volatile boolean healthy = true;

  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Queue<Runnable> held = new ConcurrentLinkedQueue<>();
  private volatile Channel server;
  private volatile int port;

  private TestBackend(String name) {
    this.name = name;
  }

  static TestBackend start(String name) {
    TestBackend backend = new TestBackend(name);
    backend.bind(0);
    return backend;
  }

  int port() {
    return port;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  int held() {
    return held.size();
  }

  void releaseHeld() {
    Runnable r;
    while ((r = held.poll()) != null) {
      r.run();
    }
  }

  /** Stops listening and drops every connection, as a killed executor would. */
  void stop() {
    server.close().syncUninterruptibly();
    children.close().syncUninterruptibly();
    held.clear();
  }

  /** Listens again on the same port. */
  void restart() {
    bind(port);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    children.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private void bind(int requestedPort) {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    children.add(ch);
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(4 << 20))
                        .addLast(new Handler());
                  }
                })
            .bind("127.0.0.1", requestedPort)
            .syncUninterruptibly()
            .channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      switch (uri.path()) {
        case "/_spark-embed/health" -> {
          send(
              ctx,
              healthy ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
              "{\"status\":\"ok\"}",
              keepAlive);
          return;
        }
        case "/_spark-embed/servers" -> {
          listRequests.incrementAndGet();
          String secret = listSecret;
          if (secret != null && !secret.equals(request.headers().get("X-Spark-Embed-Secret"))) {
            send(ctx, HttpResponseStatus.FORBIDDEN, "{\"error\":\"secret\"}", keepAlive);
            return;
          }
          send(ctx, HttpResponseStatus.OK, serversJson, keepAlive);
          return;
        }
        default -> {}
      }
      requests.incrementAndGet();
      servingConnections.add(ctx.channel());
      String body =
          "{\"backend\":\""
              + name
              + "\",\"uri\":\""
              + request.uri()
              + "\",\"method\":\""
              + request.method()
              + "\",\"bodyLength\":"
              + request.content().readableBytes()
              + ",\"xff\":\""
              + request.headers().get("X-Forwarded-For", "")
              + "\"}";
      switch (uri.path()) {
        case "/hold" ->
            held.add(
                () ->
                    ctx.executor()
                        .execute(() -> send(ctx, HttpResponseStatus.OK, body, keepAlive)));
        case "/delay" -> {
          long ms = Long.parseLong(uri.parameters().getOrDefault("ms", List.of("0")).get(0));
          ctx.executor()
              .schedule(
                  () -> send(ctx, HttpResponseStatus.OK, body, keepAlive),
                  ms,
                  TimeUnit.MILLISECONDS);
        }
        case "/chunked" -> {
          HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
          HttpUtil.setTransferEncodingChunked(head, true);
          head.headers().set("X-Backend", name);
          ctx.write(head);
          for (int i = 0; i < 3; i++) {
            ctx.write(
                new DefaultHttpContent(
                    Unpooled.copiedBuffer("part" + i + "-", StandardCharsets.UTF_8)));
          }
          ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        default -> send(ctx, HttpResponseStatus.OK, body, keepAlive);
      }
    }

    private void send(
        ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean keepAlive) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      response.headers().set("X-Backend", name);
      HttpUtil.setContentLength(response, response.content().readableBytes());
      HttpUtil.setKeepAlive(response, keepAlive);
      var future = ctx.writeAndFlush(response);
      if (!keepAlive) {
        future.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
