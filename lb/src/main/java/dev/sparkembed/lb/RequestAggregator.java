package dev.sparkembed.lb;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Aggregates each client request up to the body limit. A request over the limit becomes a {@link
 * TooLarge} message in its place in the request order, so the frontend answers it 413 in turn
 * (Netty's aggregator would write its own empty 413 at once, possibly in the middle of an earlier
 * pipelined response). Runs on the client connection's event loop.
 */
final class RequestAggregator extends HttpObjectAggregator {

  /** Stands for a request whose body was over the limit; the connection closes after its 413. */
  static final class TooLarge {
    private TooLarge() {}
  }

  static final TooLarge TOO_LARGE = new TooLarge();

  RequestAggregator(int maxBodyBytes) {
    super(maxBodyBytes);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    ctx.fireChannelRead(TOO_LARGE);
  }
}
