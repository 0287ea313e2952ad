package dev.sparkembed.lb;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Wires a client connection: idle timeout, request read timeout, HTTP/1.1 codec, bounded request
 * aggregation, then the {@link LbFrontendHandler}. Only wiring; runs in the balancer's JVM.
 */
final class LbServerInitializer extends ChannelInitializer<Channel> {

  private static final int MAX_INITIAL_LINE = 8192;
  private static final int MAX_HEADER_SIZE = 16384;
  private static final int MAX_CHUNK_SIZE = 65536;

  private final ProxyContext lb;

  LbServerInitializer(ProxyContext lb) {
    this.lb = lb;
  }

  @Override
  protected void initChannel(Channel ch) {
    LbOptions options = lb.options();
    ch.pipeline()
        .addLast(
            "idle",
            new IdleStateHandler(0, 0, options.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
        .addLast("readTimeout", new RequestReadTimeoutHandler(options.headerTimeout()))
        .addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK_SIZE))
        .addLast("aggregator", new LbRequestAggregator(options.maxBodyBytes()))
        .addLast("frontend", new LbFrontendHandler(lb));
  }
}
