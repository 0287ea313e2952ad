package dev.sparkembed.lb;

import dev.sparkembed.serving.server.AttachProtocol;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks one attach handshake (the deployment secret, compared in constant time, and the server's
 * address) and then turns the connection around: the balancer becomes the HTTP client of the
 * executor's server on it. A wrong secret or a malformed handshake is answered 403/400, counted,
 * logged without the secret, and the connection closed. Event loop of the attach connection.
 */
final class AttachHandshakeHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(AttachHandshakeHandler.class);

  /** Longest gap between health requests on an idle attach connection. */
  static final long MAX_PING_INTERVAL_MS = 20_000;

  private final AttachContext attach;
  private boolean done;

  AttachHandshakeHandler(AttachContext attach) {
    this.attach = attach;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (done || !(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed", "not an attach handshake");
      return;
    }
    try {
      done = true;
      handshake(ctx, request);
    } finally {
      request.release();
    }
  }

  private void handshake(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (request.decoderResult().isFailure()
        || !AttachProtocol.PATH.equals(request.uri())
        || !AttachProtocol.UPGRADE.equals(request.headers().get(HttpHeaderNames.UPGRADE))) {
      refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed", "not an attach handshake");
      return;
    }
    byte[] expected = attach.options().secret().orElse("").getBytes(StandardCharsets.UTF_8);
    String given = request.headers().get(AttachProtocol.SECRET_HEADER);
    if (expected.length == 0
        || given == null
        || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
      refuse(ctx, HttpResponseStatus.FORBIDDEN, "secret", LbErrors.wrongSecret());
      return;
    }
    BackendAddress address;
    try {
      address =
          BackendAddress.parse(
              AttachProtocol.SERVER_HEADER, request.headers().get(AttachProtocol.SERVER_HEADER));
    } catch (IllegalArgumentException e) {
      refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed", e.getMessage());
      return;
    }
    String label = request.headers().get(AttachProtocol.EXECUTOR_HEADER);
    FullHttpResponse switching =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
    switching.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    switching.headers().set(HttpHeaderNames.UPGRADE, AttachProtocol.UPGRADE);
    // Written (encoded) now, on this event loop, before the server codec leaves the pipeline.
    ctx.writeAndFlush(switching);
    turnAround(ctx, address, label);
  }

  /** From handshake server to the executor server's client. */
  private void turnAround(ChannelHandlerContext ctx, BackendAddress address, String label) {
    LbOptions options = attach.options();
    long ping = Math.min(options.healthInterval().toMillis(), MAX_PING_INTERVAL_MS);
    ChannelPipeline p = ctx.pipeline();
    p.remove("handshakeTimeout");
    p.remove("aggregator");
    p.remove("http");
    AttachedConnection connection =
        attach.registry().attach(address, label, ctx.channel(), options.healthTimeout().toMillis());
    p.addBefore(ctx.name(), "idle", new IdleStateHandler(0, 0, ping, TimeUnit.MILLISECONDS));
    p.addBefore(ctx.name(), "http", new HttpClientCodec(4096, 16384, 65536));
    p.addBefore(ctx.name(), "aggregator", new HttpObjectAggregator(options.attachMaxResponse()));
    p.replace(this, "attached", connection);
  }

  private void refuse(
      ChannelHandlerContext ctx, HttpResponseStatus status, String reason, String message) {
    attach.metrics().attachRefused(reason);
    LOG.warn("Attach from {} refused ({}): {}", ctx.channel().remoteAddress(), reason, message);
    FullHttpResponse response = LbErrors.errorResponse(status, message);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Attach handshake from {} failed", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }
}
