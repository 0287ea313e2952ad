package dev.sparkembed.lb;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a backend connection: passes each decoded response part to the exchange that
 * currently holds the connection, and tells it when the connection ends. A connection idle in the
 * pool has no exchange; anything it receives then is unexpected and closes it. Runs on the event
 * loop of the client connection that opened it.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(BackendHandler.class);

  /** What an exchange needs to hear from its backend connection. */
  interface Listener {
    void backendRead(HttpObject msg);

    void backendReadComplete();

    void backendClosed(Throwable cause);
  }

  private Listener listener;
  private Throwable failure;

  void bind(Listener newListener) {
    this.listener = newListener;
  }

  void unbind() {
    this.listener = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Listener l = listener;
    if (l != null && msg instanceof HttpObject) {
      l.backendRead((HttpObject) msg);
    } else {
      ReferenceCountUtil.release(msg);
      LOG.debug("Unexpected data from idle backend connection {}, closing it", ctx.channel());
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Listener l = listener;
    if (l != null) {
      l.backendReadComplete();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Listener l = listener;
    listener = null;
    if (l != null) {
      l.backendClosed(failure);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Backend connection {} failed", ctx.channel(), cause);
    failure = cause;
    ctx.close();
  }
}
