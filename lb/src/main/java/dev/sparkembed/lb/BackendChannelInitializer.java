package dev.sparkembed.lb;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;

/**
 * Wires a connection from the balancer to a backend: HTTP/1.1 client codec, then the {@link
 * BackendHandler} that hands responses to whichever exchange holds the connection. Runs in the
 * balancer's JVM.
 */
final class BackendChannelInitializer extends ChannelInitializer<SocketChannel> {

  /** Backends send JSON of any size; only the header block is bounded here. */
  private static final int MAX_INITIAL_LINE = 8192;

  private static final int MAX_HEADER_SIZE = 65536;
  private static final int MAX_CHUNK_SIZE = 65536;

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline()
        .addLast(
            "http", new HttpClientCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK_SIZE, false))
        .addLast("backend", new BackendHandler());
  }
}
