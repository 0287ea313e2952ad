package dev.sparkembed.serving.server;

import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;

/**
 * Joins a request's head and body chunks into one {@code FullHttpRequest}, enforcing the body limit
 * of the request's own path (queries sharing a port may have different limits). A body over the
 * limit becomes an {@link OversizedRequest} event and the rest of it is discarded. Event loop.
 */
final class ServingRequestAggregator extends ChannelInboundHandlerAdapter {
  private final RouteTable routes;
  private HttpRequest head;
  private CompositeByteBuf body;
  private long limit;
  private boolean discarding;

  ServingRequestAggregator(RouteTable routes) {
    this.routes = routes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      startRequest(ctx, request);
    }
    if (msg instanceof HttpContent content) {
      try {
        addContent(ctx, content);
      } finally {
        content.release();
      }
    } else if (!(msg instanceof HttpRequest)) {
      ctx.fireChannelRead(msg);
    }
  }

  private void startRequest(ChannelHandlerContext ctx, HttpRequest request) {
    releaseBody();
    discarding = false;
    head = request;
    if (request.decoderResult().isFailure()) {
      return; // the handler answers 400 when the (empty) request is complete
    }
    String path = new QueryStringDecoder(request.uri()).path();
    limit = routes.bodyLimit(path);
    long declared = HttpUtil.getContentLength(request, -1L);
    if (declared > limit) {
      oversized(ctx, path);
      return;
    }
    body = ctx.alloc().compositeBuffer(1024);
  }

  private void addContent(ChannelHandlerContext ctx, HttpContent content) {
    if (head == null || discarding) {
      return;
    }
    if (body != null && content.content().isReadable()) {
      if (body.readableBytes() + (long) content.content().readableBytes() > limit) {
        oversized(ctx, new QueryStringDecoder(head.uri()).path());
        return;
      }
      body.addComponent(true, content.content().retain());
    }
    if (content instanceof LastHttpContent last) {
      DefaultFullHttpRequest full =
          new DefaultFullHttpRequest(
              head.protocolVersion(),
              head.method(),
              head.uri(),
              body == null ? ctx.alloc().buffer(0) : body,
              head.headers(),
              last.trailingHeaders());
      full.setDecoderResult(head.decoderResult());
      body = null;
      head = null;
      ctx.fireChannelRead(full);
    }
  }

  private void oversized(ChannelHandlerContext ctx, String path) {
    boolean keepAlive = false; // the rest of the body is unread: this connection ends after 413
    releaseBody();
    discarding = true;
    ctx.fireChannelRead(new OversizedRequest(path, limit, keepAlive));
    head = null;
  }

  private void releaseBody() {
    if (body != null) {
      ReferenceCountUtil.safeRelease(body);
      body = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseBody();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseBody();
  }
}
