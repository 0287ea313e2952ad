package dev.sparkembed.serving.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A request must arrive whole within a deadline, counted from its first byte: a client that drips
 * its head or body (one byte every few seconds) gets 408 instead of holding the connection forever.
 * Sits before the HTTP codec, so it sees bytes; the aggregator tells it when a request is complete.
 * Fires {@link TimedOut} down the pipeline when the deadline passes. Event loop.
 */
final class RequestReadDeadline extends ChannelInboundHandlerAdapter {
  /** The user event for a request that did not arrive whole in time. */
  static final class TimedOut {
    static final TimedOut INSTANCE = new TimedOut();

    private TimedOut() {}
  }

  private final long timeoutMillis;
  private ScheduledFuture<?> timer;
  private boolean expired;

  RequestReadDeadline(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (expired) {
      io.netty.util.ReferenceCountUtil.release(msg);
      return;
    }
    if (timer == null && timeoutMillis > 0) {
      timer = ctx.executor().schedule(() -> expire(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
    }
    ctx.fireChannelRead(msg);
  }

  /** The request in progress arrived whole: the next one's clock starts with its first byte. */
  void requestComplete() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expire(ChannelHandlerContext ctx) {
    timer = null;
    expired = true;
    ctx.fireUserEventTriggered(TimedOut.INSTANCE);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    requestComplete();
    ctx.fireChannelInactive();
  }
}
