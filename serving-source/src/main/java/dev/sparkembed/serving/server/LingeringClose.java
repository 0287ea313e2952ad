package dev.sparkembed.serving.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after a final answer (413, 408) the way nginx's lingering close does: the
 * answer is sent, our side of the connection is shut down, and whatever the client still sends is
 * read and thrown away for a bounded time and size before the socket closes. A client that writes
 * its whole body before it reads (Python's http.client, curl without Expect) then still receives
 * the answer, instead of a reset that destroys it. Used by every server of the project (serving
 * source, controller, load balancer). Event loop.
 */
public final class LingeringClose extends ChannelInboundHandlerAdapter {
  /** At most this long after the answer... */
  public static final long LINGER_MILLIS = 5_000;

  /** ...and at most this many bytes discarded. */
  static final long LINGER_BYTES = 64L << 20;

  private long discarded;

  private LingeringClose() {}

  /** Once {@code written} (the final answer) completes, lingers on its channel, then closes. */
  public static void after(ChannelFuture written) {
    written.addListener(f -> start(written.channel()));
  }

  private static void start(Channel ch) {
    if (!ch.isActive()) {
      return;
    }
    if (ch.pipeline().get(LingeringClose.class) == null) {
      ch.pipeline().addFirst("linger", new LingeringClose());
    }
    ch.config().setAutoRead(true);
    if (ch instanceof SocketChannel socket && ch.pipeline().get("tls") == null) {
      socket.shutdownOutput();
    }
    ch.eventLoop().schedule(() -> ch.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf b) {
      discarded += b.readableBytes();
    }
    ReferenceCountUtil.release(msg);
    if (discarded > LINGER_BYTES) {
      ctx.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
