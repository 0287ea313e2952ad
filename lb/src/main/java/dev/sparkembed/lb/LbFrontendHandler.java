package dev.sparkembed.lb;

import dev.sparkembed.serving.server.LingeringClose;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one client connection's requests one at a time, in the order they arrived, so keep-alive
 * and pipelining work and responses never interleave: the balancer's own endpoints directly,
 * everything else through a {@link ProxyExchange} to a backend chosen per request. The connection
 * is read (auto-read is off) only when no request is waiting, which bounds what one client can
 * queue. Runs on the client connection's event loop.
 */
final class LbFrontendHandler extends ChannelInboundHandlerAdapter implements ProxyExchange.Owner {

  private static final Logger LOG = LoggerFactory.getLogger(LbFrontendHandler.class);

  private final ProxyContext lb;
  private final ArrayDeque<Object> pending = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private ProxyExchange exchange;
  private boolean busy;
  private boolean closing;
  private boolean closeAfterAnswer;

  LbFrontendHandler(ProxyContext lb) {
    this.lb = lb;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    lb.metrics().connectionOpened();
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest) && msg != LbRequestAggregator.TOO_LARGE) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.pipeline().fireUserEventTriggered(RequestReadTimeoutHandler.REQUEST_RECEIVED);
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    pending.add(msg);
    if (!busy) {
      processNext();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!busy && !closing && pending.isEmpty()) {
      ctx.read();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    releasePending();
    if (exchange != null) {
      exchange.clientClosed();
      exchange = null;
    }
    lb.metrics().connectionClosed();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (!busy && pending.isEmpty()) {
        LOG.debug("Closing idle client connection {}", ctx.channel());
        closing = true;
        ctx.close();
      }
    } else if (evt == RequestReadTimeoutHandler.TIMED_OUT) {
      if (busy || !pending.isEmpty()) {
        closeAfterAnswer = true;
      } else {
        lb.metrics().request(LbMetrics.LOCAL, HttpResponseStatus.REQUEST_TIMEOUT.code());
        respond(
            LbErrors.errorResponse(
                HttpResponseStatus.REQUEST_TIMEOUT,
                LbErrors.requestReadTimeout(lb.options().headerTimeout())),
            false);
      }
    } else if (evt != RequestReadTimeoutHandler.REQUEST_RECEIVED) {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Client connection {} failed", ctx.channel(), cause);
    closing = true;
    ctx.close();
  }

  /** Starts on queued requests until one is in progress; reads more when none is left. */
  private void processNext() {
    while (!busy && !closing) {
      Object next = pending.poll();
      if (next == null) {
        ctx.read();
        return;
      }
      dispatch(next);
    }
  }

  private void dispatch(Object msg) {
    if (msg == LbRequestAggregator.TOO_LARGE) {
      // The rest of that body may still be on its way: answer, then close.
      lb.metrics().request(LbMetrics.LOCAL, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code());
      respond(
          LbErrors.errorResponse(
              HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
              LbErrors.bodyTooLarge(lb.options().maxBodyBytes())),
          false);
      return;
    }
    FullHttpRequest request = (FullHttpRequest) msg;
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      request.release();
      lb.metrics().request(LbMetrics.LOCAL, HttpResponseStatus.BAD_REQUEST.code());
      respond(
          LbErrors.errorResponse(HttpResponseStatus.BAD_REQUEST, LbErrors.malformedRequest(cause)),
          false);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (AdminEndpoints.handles(request)) {
      FullHttpResponse response;
      try {
        response = lb.admin().handle(request);
      } finally {
        request.release();
      }
      lb.metrics().request(LbMetrics.LOCAL, response.status().code());
      respond(response, keepAlive);
      return;
    }
    LOG.debug("Proxying {} {} from {}", request.method(), request.uri(), ctx.channel());
    busy = true;
    exchange = new ProxyExchange(ctx, request, lb, this);
    exchange.start();
  }

  @Override
  public void respond(FullHttpResponse response, boolean keepAlive) {
    busy = true;
    exchange = null;
    boolean keep = keepAlive && !closeAfterAnswer && !closing;
    if (!keep) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    int status = response.status().code();
    ChannelFuture written = ctx.writeAndFlush(response);
    if (!keep && (status == 413 || status == 408)) {
      // A final answer while the client may still be sending: linger so that it reads it.
      closing = true;
      busy = false;
      releasePending();
      LingeringClose.after(written);
      return;
    }
    written.addListener(f -> answered(keep && f.isSuccess()));
  }

  @Override
  public void exchangeDone(boolean keepAlive) {
    answered(keepAlive);
  }

  private void answered(boolean keepAlive) {
    busy = false;
    exchange = null;
    if (!keepAlive || closeAfterAnswer || closing) {
      closing = true;
      releasePending();
      ctx.close();
      return;
    }
    processNext();
  }

  private void releasePending() {
    Object msg;
    while ((msg = pending.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }
}
