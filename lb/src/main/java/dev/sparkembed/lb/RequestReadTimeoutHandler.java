package dev.sparkembed.lb;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the time a client may take to send a whole request once its first bytes arrived (slow
 * clients must not hold connections and buffers forever). Sits first in the client pipeline, so it
 * sees raw bytes; the frontend fires {@link #REQUEST_RECEIVED} from the pipeline's head when a
 * request is complete. On expiry it fires {@link #TIMED_OUT} down the pipeline and the frontend
 * answers 408 in turn. Runs on the client connection's event loop.
 */
final class RequestReadTimeoutHandler extends ChannelInboundHandlerAdapter {

  /** User events exchanged with the frontend. */
  enum Event {
    REQUEST_RECEIVED,
    TIMED_OUT
  }

  static final Event REQUEST_RECEIVED = Event.REQUEST_RECEIVED;
  static final Event TIMED_OUT = Event.TIMED_OUT;

  private final long timeoutNanos;
  private ScheduledFuture<?> timer;

  RequestReadTimeoutHandler(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (timer == null && msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
      timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == REQUEST_RECEIVED) {
      cancel();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  private void expire(ChannelHandlerContext ctx) {
    timer = null;
    ctx.fireUserEventTriggered(TIMED_OUT);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
