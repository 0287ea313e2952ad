package dev.sparkembed.bench;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's closed loop: sends a request, waits for its reply (or the timeout), checks and
 * records it, then sends the next. At most one request is in flight per connection, so a run with N
 * connections never has more than N requests outstanding. A timeout or a lost connection fails the
 * request in flight and closes the channel; {@link LoadRun} opens a replacement. Runs on the load
 * generator's I/O thread of its channel; never blocks.
 */
final class LoadClientHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(LoadClientHandler.class);

  private final LoadRun run;
  private PlannedRequest inFlight;
  private long sentNanos;
  private ScheduledFuture<?> timeout;

  LoadClientHandler(LoadRun run) {
    this.run = run;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    sendNext(ctx);
  }

  private void sendNext(ChannelHandlerContext ctx) {
    if (!run.running()) {
      ctx.close();
      return;
    }
    PlannedRequest request = run.workload().next();
    FullHttpRequest http =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.POST,
            run.path(),
            Unpooled.wrappedBuffer(request.body()));
    http.headers()
        .set(HttpHeaderNames.HOST, run.hostHeader())
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, request.body().length);
    inFlight = request;
    timeout =
        ctx.executor().schedule(() -> timedOut(ctx), run.timeoutNanos(), TimeUnit.NANOSECONDS);
    sentNanos = System.nanoTime();
    ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse reply) {
    long micros = (System.nanoTime() - sentNanos) / 1_000;
    PlannedRequest request = inFlight;
    if (request == null) {
      // A reply nobody asked for (e.g. after a timeout): this connection can no longer be trusted.
      LOG.debug("Unexpected reply on {}; closing it", ctx.channel());
      ctx.close();
      return;
    }
    inFlight = null;
    timeout.cancel(false);
    if (reply.status().code() != 200) {
      run.stats().error(ErrorKind.STATUS);
    } else if (!request.check().matches(reply.content().toString(StandardCharsets.UTF_8))) {
      run.stats().error(ErrorKind.WRONG_BODY);
    } else {
      run.stats().ok(micros);
    }
    if (HttpUtil.isKeepAlive(reply)) {
      sendNext(ctx);
    } else {
      ctx.close();
    }
  }

  private void timedOut(ChannelHandlerContext ctx) {
    if (inFlight != null) {
      inFlight = null;
      run.stats().error(ErrorKind.TIMEOUT);
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (timeout != null) {
      timeout.cancel(false);
    }
    if (inFlight != null) {
      inFlight = null;
      run.stats().error(ErrorKind.CLOSED);
    }
    run.connectionClosed();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Load connection {} failed: {}", ctx.channel(), cause.toString());
    ctx.close();
  }
}
