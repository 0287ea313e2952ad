package dev.sparkembed.lb;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection an executor's server opened to the attach port, after its handshake: the balancer
 * is the HTTP client here. Requests are pipelined (the server answers in order), so the replies
 * waiting on this connection form a queue and each response goes to the oldest. When idle, it sends
 * a health request now and then; one not answered within the health timeout closes the connection
 * (a peer that vanished without closing). A closed connection fails every request still waiting on
 * it at once. Runs on the attach connection's event loop; {@link #send} may be called from any
 * thread.
 */
final class AttachedConnection extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(AttachedConnection.class);

  /** The health path every serving server answers without a secret. */
  static final String PING_PATH = "/_spark-embed/health";

  /** What a request sent down this connection hears; called on this connection's event loop. */
  interface Reply {
    /** The request was written (failure null) or could not be (the connection failed). */
    void written(Throwable failure);

    /** The server's response; the receiver releases it. */
    void response(FullHttpResponse response);

    /** The connection closed before the response came. */
    void lost();
  }

  private final Channel channel;
  private final AttachedBackend backend;
  private final long pingTimeoutMs;
  private final ArrayDeque<Reply> waiting = new ArrayDeque<>(); // event loop only
  private final AtomicInteger inFlight = new AtomicInteger();
  private boolean pinging;

  AttachedConnection(Channel channel, AttachedBackend backend, long pingTimeoutMs) {
    this.channel = channel;
    this.backend = backend;
    this.pingTimeoutMs = pingTimeoutMs;
  }

  /** Requests sent and not answered yet (pings included). */
  int inFlight() {
    return inFlight.get();
  }

  Channel channel() {
    return channel;
  }

  /** Sends {@code request} (ownership passes here) and tells {@code reply} what became of it. */
  void send(FullHttpRequest request, Reply reply) {
    inFlight.incrementAndGet();
    try {
      channel.eventLoop().execute(() -> sendOnLoop(request, reply));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      inFlight.decrementAndGet();
      request.release();
      reply.written(e);
    }
  }

  private void sendOnLoop(FullHttpRequest request, Reply reply) {
    if (!channel.isActive()) {
      inFlight.decrementAndGet();
      request.release();
      reply.written(new ClosedChannelException());
      return;
    }
    waiting.add(reply);
    channel
        .writeAndFlush(request)
        .addListener(f -> reply.written(f.isSuccess() ? null : f.cause()));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpResponse response) || response.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      LOG.debug("Unreadable response on attach connection {}, closing it", channel);
      ctx.close();
      return;
    }
    Reply reply = waiting.poll();
    if (reply == null) {
      response.release();
      LOG.debug("Unexpected response on attach connection {}, closing it", channel);
      ctx.close();
      return;
    }
    inFlight.decrementAndGet();
    reply.response(response);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    backend.remove(this);
    Reply reply;
    while ((reply = waiting.poll()) != null) {
      inFlight.decrementAndGet();
      reply.lost();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (waiting.isEmpty() && !pinging) {
        ping(ctx);
      }
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Attach connection {} failed", channel, cause);
    ctx.close();
  }

  /** A health request; no answer within the timeout means the peer is gone. */
  private void ping(ChannelHandlerContext ctx) {
    pinging = true;
    var timer =
        ctx.executor()
            .schedule(
                () -> {
                  if (pinging) {
                    LOG.info(
                        "Attach connection {} of {} did not answer a health request in {} ms;"
                            + " closing it",
                        channel,
                        backend.address(),
                        pingTimeoutMs);
                    ctx.close();
                  }
                },
                pingTimeoutMs,
                TimeUnit.MILLISECONDS);
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, PING_PATH);
    request.headers().set(HttpHeaderNames.HOST, backend.address().toString());
    request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    send(
        request,
        new Reply() {
          @Override
          public void written(Throwable failure) {
            if (failure != null) {
              ctx.close();
            }
          }

          @Override
          public void response(FullHttpResponse response) {
            pinging = false;
            timer.cancel(false);
            response.release();
          }

          @Override
          public void lost() {
            timer.cancel(false);
          }
        });
  }
}
