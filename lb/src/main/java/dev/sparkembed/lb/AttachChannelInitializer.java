package dev.sparkembed.lb;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.concurrent.TimeUnit;

/**
 * Wires a new connection to the attach port for its handshake: HTTP/1.1 server codec, a small
 * aggregator, a deadline for the whole handshake, then {@link AttachHandshakeHandler}, which
 * rewires the connection once the handshake passed. Only wiring; balancer's JVM.
 */
final class AttachChannelInitializer extends ChannelInitializer<Channel> {

  static final int MAX_HANDSHAKE_BYTES = 8192;

  private final AttachContext attach;

  AttachChannelInitializer(AttachContext attach) {
    this.attach = attach;
  }

  @Override
  protected void initChannel(Channel ch) {
    long deadline = attach.options().headerTimeout().toMillis();
    ch.pipeline()
        .addLast("handshakeTimeout", new ReadTimeoutHandler(deadline, TimeUnit.MILLISECONDS))
        .addLast("http", new HttpServerCodec(4096, MAX_HANDSHAKE_BYTES, MAX_HANDSHAKE_BYTES))
        .addLast("aggregator", new HttpObjectAggregator(MAX_HANDSHAKE_BYTES))
        .addLast("handshake", new AttachHandshakeHandler(attach));
  }
}
