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

  /** Requests of one connection waiting for their answers before it is read again. */
  static final int MAX_IN_FLIGHT_PER_CONNECTION = 64;

  private ConnectionResponder responder;
  private final java.util.ArrayDeque<Object> held = new java.util.ArrayDeque<>();
  private boolean resuming;
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
    responder = new ConnectionResponder(ctx.channel(), () -> resume(ctx));
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!held.isEmpty() || responder.inFlight() >= MAX_IN_FLIGHT_PER_CONNECTION) {
      // One read may hold many pipelined requests: keep them until earlier ones are answered.
      held.add(msg);
      updateReading(ctx);
      return;
    }
    process(ctx, msg);
  }

  /** After answers were written: handles held requests while the connection has room. */
  private void resume(ChannelHandlerContext ctx) {
    if (resuming) {
      return; // an answer written while a held request was handled: the loop below goes on
    }
    resuming = true;
    try {
      while (!held.isEmpty() && responder.inFlight() < MAX_IN_FLIGHT_PER_CONNECTION) {
        process(ctx, held.poll());
      }
    } finally {
      resuming = false;
    }
    updateReading(ctx);
  }

  private void process(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof RefusedRequest refused) {
      ResponseSlot slot = responder.nextSlot(false).lingerOnClose();
      Route route = routes.get(refused.path());
      if (route != null && route.extension() != null) {
        slot.observe(route.extension(), refused.path(), System.nanoTime());
      }
      slot.send(error(refused.path(), refused.status(), refused.message()));
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
      updateReading(ctx);
    }
  }

  /**
   * Back-pressure: the connection is read only while it has fewer than {@link
   * #MAX_IN_FLIGHT_PER_CONNECTION} requests waiting for their answers and its outgoing buffer is
   * below the high-water mark, so one client can neither fill the queue by pipelining nor make the
   * server hold what it never reads.
   */
  private void updateReading(ChannelHandlerContext ctx) {
    if (ctx.pipeline().get(LingeringClose.class) != null) {
      return;
    }
    boolean read =
        held.isEmpty()
            && responder.inFlight() < MAX_IN_FLIGHT_PER_CONNECTION
            && ctx.channel().isWritable();
    if (ctx.channel().config().isAutoRead() != read) {
      ctx.channel().config().setAutoRead(read);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    updateReading(ctx);
    ctx.fireChannelWritabilityChanged();
  }

  /** The server's own error, in the path's API shape when its extension has one. */
  private HttpReply error(String path, int status, String message) {
    HttpReply shaped = routes.extensionError(path, status, message);
    HttpReply reply = shaped != null ? shaped : HttpReply.error(status, message);
    if (status != 503) {
      return reply;
    }
    Map<String, String> headers = new HashMap<>(reply.headers());
    headers.put("retry-after", "1");
    return new HttpReply(503, headers, reply.body());
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
      slot.send(error(path, 400, "This server speaks HTTPS only: use https://"));
      return;
    }
    Route route = routes.get(routedPath(path));
    if (route == null) {
      String stopped = routes.retiredReason(routedPath(path));
      slot.send(
          stopped != null
              ? error(path, 503, "Not serving: " + stopped)
              : error(path, 404, "No API at path '" + path + "'"));
      return;
    }
    String method = request.method().name();
    String routed = routedPath(path);
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
      HttpReply e =
          error(
              routed,
              405,
              "Method "
                  + method
                  + " not allowed on "
                  + path
                  + " (allowed: "
                  + String.join(", ", route.methods())
                  + ")");
      Map<String, String> headers = new HashMap<>(e.headers());
      headers.put("allow", String.join(", ", route.methods()));
      slot.send(new HttpReply(405, headers, e.body()));
      return;
    }
    if (route.extension() != null && route.queue() != null) {
      // Checked on arrival: a refused request never takes a place in the queue.
      HttpReply refusal = route.extension().admit(routed, headers(request));
      if (refusal != null) {
        slot.send(refusal);
        return;
      }
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
      case FULL -> slot.send(error(data.path(), 503, "Too many queued requests; retry later"));
      case CLOSED -> slot.send(error(data.path(), 503, "Not serving: " + queue.closeReason()));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    held.forEach(ReferenceCountUtil::release);
    held.clear();
    if (responder != null) {
      responder.closed().forEach((gone, queue) -> queue.clientGone(gone));
    }
    ctx.fireChannelInactive();
  }

  private static String routedPath(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof RequestReadDeadline.TimedOut) {
      responder
          .nextSlot(false)
          .lingerOnClose()
          .send(
              HttpReply.error(
                  408, "The request did not arrive whole within the server's read timeout"));
      return;
    }
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
