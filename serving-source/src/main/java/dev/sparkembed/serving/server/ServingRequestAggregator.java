package dev.sparkembed.serving.server;

import dev.sparkembed.serving.conf.HttpServerOptions;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;

/**
 * Joins a request's head and body chunks into one {@code FullHttpRequest}, enforcing the body limit
 * of the request's own path (queries sharing a port may have different limits). A body over the
 * limit (decided on Content-Length before any {@code 100 Continue}, which this class sends) or an
 * internal request without the query secret becomes a {@link RefusedRequest} event and the rest of
 * it is discarded. Event loop.
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
    if (path.startsWith(HttpServerOptions.INTERNAL_PREFIX)
        && !routes.internalSecretAccepted(
            path, request.headers().get(HttpServerOptions.SECRET_HEADER))) {
      // Checked on the head: a caller without the secret never gets its body read.
      refuse(ctx, new RefusedRequest(path, 403, InternalEndpoints.FORBIDDEN));
      return;
    }
    limit = routes.bodyLimit(path);
    long declared = HttpUtil.getContentLength(request, -1L);
    if (declared > limit) {
      // Decided on Content-Length before any 100 Continue: the client need not send the body.
      oversized(ctx, path);
      return;
    }
    if (HttpUtil.is100ContinueExpected(request)) {
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
      request.headers().remove(HttpHeaderNames.EXPECT);
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
      requestComplete(ctx);
      ctx.fireChannelRead(full);
    }
  }

  private void oversized(ChannelHandlerContext ctx, String path) {
    refuse(
        ctx,
        new RefusedRequest(
            path, 413, "Request body over the limit of " + limit + " bytes for " + path));
  }

  /** Answered without its body; the rest of what the client sends is discarded. */
  private void refuse(ChannelHandlerContext ctx, RefusedRequest refused) {
    releaseBody();
    discarding = true;
    head = null;
    requestComplete(ctx);
    ctx.fireChannelRead(refused);
  }

  private static void requestComplete(ChannelHandlerContext ctx) {
    RequestReadDeadline deadline = ctx.pipeline().get(RequestReadDeadline.class);
    if (deadline != null) {
      deadline.requestComplete();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof RequestReadDeadline.TimedOut) {
      releaseBody();
      discarding = true;
      head = null;
    }
    ctx.fireUserEventTriggered(evt);
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
