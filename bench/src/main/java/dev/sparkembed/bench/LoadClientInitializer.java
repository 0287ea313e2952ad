package dev.sparkembed.bench;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;

/** Wires one load-generator connection: HTTP/1.1 client codec, aggregator, closed-loop handler. */
final class LoadClientInitializer extends ChannelInitializer<SocketChannel> {
  private static final int MAX_REPLY_BYTES = 1 << 20;

  private final LoadRun run;

  LoadClientInitializer(LoadRun run) {
    this.run = run;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    run.channels().add(ch);
    ch.pipeline()
        .addLast("http", new HttpClientCodec())
        .addLast("aggregate", new HttpObjectAggregator(MAX_REPLY_BYTES))
        .addLast("closed-loop", new LoadClientHandler(run));
  }
}
