package dev.sparkembed.serving.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes one connection's responses in request order (HTTP/1.1 pipelining), whichever thread and
 * whatever order the answers come in. All state is touched on the channel's event loop only; other
 * threads hand their answers over with {@code eventLoop().execute}. Runs where the server runs.
 */
final class ConnectionResponder {
  private final Channel channel;
  private final Map<Integer, Pending> ready = new HashMap<>();
  private final Map<PendingRequest, RequestQueue> outstanding = new HashMap<>();
  private int nextIndex;
  private int nextToWrite;
  private boolean closing;

  ConnectionResponder(Channel channel) {
    this.channel = channel;
  }

  /** Event loop only: the next request's slot. */
  ResponseSlot nextSlot(boolean keepAlive) {
    return new ResponseSlot(this, nextIndex++, keepAlive);
  }

  /** Event loop only: remembers a queued request so a closed connection can give it up. */
  void track(RequestQueue queue, PendingRequest request) {
    outstanding.put(request, queue);
  }

  io.netty.channel.EventLoop eventLoop() {
    return channel.eventLoop();
  }

  /** Event loop only: the connection closed; returns the requests it was waiting for. */
  Map<PendingRequest, RequestQueue> closed() {
    closing = true;
    Map<PendingRequest, RequestQueue> gone = new HashMap<>(outstanding);
    outstanding.clear();
    return gone;
  }

  /** Event loop only: true while some request on this connection waits for its answer. */
  boolean busy() {
    return nextToWrite < nextIndex;
  }

  void respond(int index, HttpReply reply, boolean keepAlive, PendingRequest done) {
    if (channel.eventLoop().inEventLoop()) {
      respondOnLoop(index, reply, keepAlive, done);
    } else {
      try {
        channel.eventLoop().execute(() -> respondOnLoop(index, reply, keepAlive, done));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // The server stopped: its connections are closed, nobody is left to answer.
      }
    }
  }

  private void respondOnLoop(int index, HttpReply reply, boolean keepAlive, PendingRequest done) {
    if (done != null) {
      outstanding.remove(done);
    }
    if (closing || !channel.isActive()) {
      return;
    }
    ready.put(index, new Pending(reply, keepAlive));
    boolean wrote = false;
    Pending next;
    while ((next = ready.remove(nextToWrite)) != null) {
      nextToWrite++;
      wrote = true;
      FullHttpResponse response = toResponse(next.reply, next.keepAlive);
      if (!next.keepAlive) {
        closing = true;
        channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        ready.clear();
        return;
      }
      channel.write(response);
    }
    if (wrote) {
      channel.flush();
    }
  }

  private static FullHttpResponse toResponse(HttpReply reply, boolean keepAlive) {
    byte[] body = reply.body() == null ? new byte[0] : reply.body();
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(reply.status()),
            Unpooled.wrappedBuffer(body));
    if (reply.headers() != null) {
      reply.headers().forEach((k, v) -> response.headers().set(k, v));
    }
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  private record Pending(HttpReply reply, boolean keepAlive) {}
}
