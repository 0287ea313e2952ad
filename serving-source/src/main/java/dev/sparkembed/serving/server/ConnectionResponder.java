package dev.sparkembed.serving.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedNioFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

  private final Runnable progress;

  /**
   * @param progress runs on the event loop after answers were written (the handler resumes reading)
   */
  ConnectionResponder(Channel channel, Runnable progress) {
    this.channel = channel;
    this.progress = progress;
  }

  /** Event loop only: requests of this connection not answered yet. */
  int inFlight() {
    return nextIndex - nextToWrite;
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

  void respond(int index, HttpReply reply, boolean keepAlive, boolean linger, PendingRequest done) {
    onLoop(() -> respondOnLoop(index, new Pending(reply, keepAlive, null, linger), done));
  }

  /** Like {@link #respond}, with the reply's body streamed from {@code files}. */
  void respondWithFiles(int index, HttpReply head, List<Path> files, boolean keepAlive) {
    onLoop(() -> respondOnLoop(index, new Pending(head, keepAlive, files, false), null));
  }

  private void onLoop(Runnable task) {
    if (channel.eventLoop().inEventLoop()) {
      task.run();
    } else {
      try {
        channel.eventLoop().execute(task);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // The server stopped: its connections are closed, nobody is left to answer.
      }
    }
  }

  private void respondOnLoop(int index, Pending pending, PendingRequest done) {
    if (done != null) {
      outstanding.remove(done);
    }
    if (closing || !channel.isActive()) {
      return;
    }
    ready.put(index, pending);
    boolean wrote = false;
    Pending next;
    while ((next = ready.remove(nextToWrite)) != null) {
      nextToWrite++;
      wrote = true;
      if (next.files != null) {
        writeFiles(next);
        if (closing) {
          ready.clear();
          return;
        }
      } else {
        FullHttpResponse response = toResponse(next.reply, next.keepAlive);
        if (!next.keepAlive) {
          closing = true;
          ChannelFuture written = channel.writeAndFlush(response);
          if (next.linger) {
            LingeringClose.after(written);
          } else {
            written.addListener(ChannelFutureListener.CLOSE);
          }
          ready.clear();
          return;
        }
        channel.write(response);
      }
    }
    if (wrote) {
      channel.flush();
      progress.run();
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

  /**
   * Head, then each file in chunks (the pipeline's ChunkedWriteHandler reads them as the socket
   * drains), then the end. The length is known up front, so no chunked encoding is needed.
   */
  private void writeFiles(Pending p) {
    List<ChunkedNioFile> chunks = new ArrayList<>();
    long length = 0;
    try {
      for (Path f : p.files) {
        ChunkedNioFile c = new ChunkedNioFile(f.toFile());
        chunks.add(c);
        length += c.length();
      }
    } catch (IOException e) {
      chunks.forEach(ConnectionResponder::closeQuietly);
      channel.write(
          toResponse(
              HttpReply.error(500, "Cannot read the reply's files: " + e.getMessage()), true));
      return;
    }
    DefaultHttpResponse head =
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(p.reply.status()));
    if (p.reply.headers() != null) {
      p.reply.headers().forEach((k, v) -> head.headers().set(k, v));
    }
    head.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
    if (!p.keepAlive) {
      head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    channel.write(head);
    for (ChunkedNioFile c : chunks) {
      channel.write(c);
    }
    if (!p.keepAlive) {
      closing = true;
      channel
          .writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.write(LastHttpContent.EMPTY_LAST_CONTENT);
    }
  }

  private static void closeQuietly(ChunkedNioFile c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // Nothing was sent from it.
    }
  }

  /** One answer waiting for its turn; {@code files} (or null) stream the body. */
  private record Pending(HttpReply reply, boolean keepAlive, List<Path> files, boolean linger) {}
}
