package dev.sparkembed.serving.server;

import dev.sparkembed.serving.conf.HttpServerOptions;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on each complete request of one connection: queues it for its query, answers errors
 * (400/404/405/413/503) at once, and hands {@code /_spark-embed/} paths to {@link
 * InternalEndpoints}. Never blocks. Event loop of the server's JVM.
 */
final class ServingRequestHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ServingRequestHandler.class);

  private final RouteTable routes;
  private final InternalEndpoints internal;
  private final boolean httpsOnly;
  private ConnectionResponder responder;
  private boolean secure;

  /**
   * @param httpsOnly the server speaks HTTPS: API paths over a plain connection are refused (the
   *     internal endpoints stay reachable for the query's other JVMs)
   */
  ServingRequestHandler(RouteTable routes, InternalEndpoints internal, boolean httpsOnly) {
    this.routes = routes;
    this.internal = internal;
    this.httpsOnly = httpsOnly;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    responder = new ConnectionResponder(ctx.channel());
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof OversizedRequest o) {
      ResponseSlot slot = responder.nextSlot(false);
      Route route = routes.get(o.path());
      if (route != null && route.extension() != null) {
        slot.observe(route.extension(), o.path(), System.nanoTime());
      }
      slot.send(
          HttpReply.error(
              413, "Request body over the limit of " + o.limit() + " bytes for " + o.path()));
      return;
    }
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      secure = ctx.pipeline().get(SslHandler.class) != null;
      handle(request);
    } finally {
      request.release();
    }
  }

  private void handle(FullHttpRequest request) {
    if (request.decoderResult().isFailure()) {
      responder
          .nextSlot(false)
          .send(
              HttpReply.error(
                  400, "Malformed HTTP request: " + request.decoderResult().cause().getMessage()));
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    ResponseSlot slot = responder.nextSlot(keepAlive);
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String path = uri.path();
    if (path.startsWith(HttpServerOptions.INTERNAL_PREFIX)) {
      internal.handle(request, uri, slot);
      return;
    }
    if (httpsOnly && !secure) {
      slot.send(HttpReply.error(400, "This server speaks HTTPS only: use https://"));
      return;
    }
    Route route =
        routes.get(
            path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    if (route == null) {
      slot.send(HttpReply.error(404, "No API at path '" + path + "'"));
      return;
    }
    String method = request.method().name();
    String routed =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (route.extension() != null) {
      slot.observe(route.extension(), routed, System.nanoTime());
    }
    if (route.isHandled(routed)) {
      byte[] body = new byte[request.content().readableBytes()];
      request.content().readBytes(body);
      route
          .extension()
          .handle(
              new ExtensionRequest(method, routed, uri.rawQuery(), headers(request), body),
              new ExtensionResponse(slot));
      return;
    }
    if (route.isLocal(routed)) {
      answerLocally(request, uri, routed, route.extension(), slot);
      return;
    }
    if (!route.methods().contains(method)) {
      slot.send(
          new HttpReply(
              405,
              Map.of("content-type", HttpReply.JSON, "allow", String.join(", ", route.methods())),
              HttpReply.error(
                      405,
                      "Method "
                          + method
                          + " not allowed on "
                          + path
                          + " (allowed: "
                          + String.join(", ", route.methods())
                          + ")")
                  .body()));
      return;
    }
    if (route.queue() == null) {
      slot.send(
          HttpReply.error(
              503,
              "This is the driver of a distributed query: send requests to an executor server"
                  + " listed at "
                  + HttpServerOptions.INTERNAL_PREFIX
                  + "servers"));
      return;
    }
    enqueue(request, uri, route.queue(), slot);
  }

  /** A GET path of the query's extension: answered here, on the event loop. */
  private static void answerLocally(
      FullHttpRequest request,
      QueryStringDecoder uri,
      String path,
      ServerExtension extension,
      ResponseSlot slot) {
    String method = request.method().name();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      slot.send(
          new HttpReply(
              405,
              Map.of("content-type", HttpReply.JSON, "allow", "GET, HEAD"),
              HttpReply.error(
                      405, "Method " + method + " not allowed on " + path + " (allowed: GET)")
                  .body()));
      return;
    }
    HttpReply reply;
    try {
      reply = extension.answer(path, uri.rawQuery(), headers(request));
    } catch (RuntimeException e) {
      LOG.warn("Extension failed to answer {}: {}", path, e.toString());
      reply = HttpReply.error(500, "Cannot answer " + path + ": " + e.getMessage());
    }
    slot.send(method.equals("HEAD") ? new HttpReply(reply.status(), reply.headers(), null) : reply);
  }

  private static Map<String, String> headers(FullHttpRequest request) {
    Map<String, String> headers = new HashMap<>();
    for (Map.Entry<String, String> h : request.headers()) {
      headers.merge(
          h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b);
    }
    return headers;
  }

  private void enqueue(
      FullHttpRequest request, QueryStringDecoder uri, RequestQueue queue, ResponseSlot slot) {
    byte[] body = new byte[request.content().readableBytes()];
    request.content().readBytes(body);
    Map<String, String> headers = headers(request);
    String query = uri.rawQuery();
    PendingRequest.RequestData data =
        new PendingRequest.RequestData(
            request.method().name(), uri.path(), query, headers, body, System.nanoTime());
    ConnectionResponder r = responder;
    RequestQueue.Admission admission =
        queue.offer(
            new RequestQueue.RequestBuilder() {
              @Override
              public PendingRequest build(long seq) {
                PendingRequest e = new PendingRequest(seq, data, slot);
                r.track(queue, e);
                return e;
              }

              @Override
              public java.util.concurrent.ScheduledFuture<?> scheduleTimeout(
                  Runnable task, long delayMs) {
                return slot.responder().eventLoop().schedule(task, delayMs, TimeUnit.MILLISECONDS);
              }
            });
    switch (admission) {
      case QUEUED -> LOG.debug("Queued {} {} ({} bytes)", data.method(), data.path(), body.length);
      case FULL ->
          slot.send(
              new HttpReply(
                  503,
                  Map.of("content-type", HttpReply.JSON, "retry-after", "1"),
                  HttpReply.error(503, "Too many queued requests; retry later").body()));
      case CLOSED -> slot.send(HttpReply.error(503, "Not serving: " + queue.closeReason()));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (responder != null) {
      responder.closed().forEach((gone, queue) -> queue.clientGone(gone));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && !responder.busy()) {
      LOG.debug("Closing idle connection {}", ctx.channel().remoteAddress());
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Closing connection {} after an error", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }
}
