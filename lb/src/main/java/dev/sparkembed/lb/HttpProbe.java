package dev.sparkembed.lb;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A one-shot, non-blocking HTTP GET on the balancer's event loops, for health checks and discovery:
 * connect, send, read the whole response, close. The returned future completes on an event loop
 * thread, so callers must not block in its callbacks. Runs in the balancer's JVM.
 */
final class HttpProbe {

  /** A received response. */
  record Response(int status, String body) {}

  private final Bootstrap bootstrap;

  HttpProbe(EventLoopGroup group) {
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true);
  }

  /** GETs {@code pathAndQuery} from {@code host:port}, failing after {@code timeout} overall. */
  CompletableFuture<Response> get(
      String host, int port, String pathAndQuery, Duration timeout, int maxBodyBytes) {
    return get(host, port, pathAndQuery, timeout, maxBodyBytes, Map.of());
  }

  /** As {@link #get(String, int, String, Duration, int)}, with extra request headers. */
  CompletableFuture<Response> get(
      String host,
      int port,
      String pathAndQuery,
      Duration timeout,
      int maxBodyBytes,
      Map<String, String> headers) {
    CompletableFuture<Response> result = new CompletableFuture<>();
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    ChannelFuture connect =
        bootstrap
            .clone()
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(maxBodyBytes))
                        .addLast(new ResponseHandler(result));
                  }
                })
            .connect(host, port);
    Channel channel = connect.channel();
    ScheduledFuture<?> deadline =
        channel
            .eventLoop()
            .schedule(
                () -> {
                  result.completeExceptionally(
                      new TimeoutException("no answer within " + timeoutMillis + " ms"));
                  channel.close();
                },
                timeoutMillis,
                TimeUnit.MILLISECONDS);
    result.whenComplete((r, e) -> deadline.cancel(false));
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            result.completeExceptionally(f.cause());
            return;
          }
          FullHttpRequest request =
              new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, pathAndQuery);
          request.headers().set(HttpHeaderNames.HOST, new BackendAddress(host, port).toString());
          request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
          request.headers().set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON);
          headers.forEach(request.headers()::set);
          channel
              .writeAndFlush(request)
              .addListener(
                  w -> {
                    if (!w.isSuccess()) {
                      result.completeExceptionally(w.cause());
                      channel.close();
                    }
                  });
        });
    return result;
  }

  /** Completes the future with the first response, or fails it when the connection ends. */
  private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final CompletableFuture<Response> result;

    ResponseHandler(CompletableFuture<Response> result) {
      this.result = result;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
      if (msg.decoderResult().isFailure()) {
        result.completeExceptionally(msg.decoderResult().cause());
      } else {
        result.complete(
            new Response(msg.status().code(), msg.content().toString(StandardCharsets.UTF_8)));
      }
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.completeExceptionally(new ClosedChannelException());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.completeExceptionally(cause);
      ctx.close();
    }
  }
}
