package dev.sparkembed.lb;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.ReferenceCountUtil;

/**
 * Aggregates each client request up to the body limit. A request over the limit becomes a {@link
 * TooLarge} message in its place in the request order, so the frontend answers it 413 in turn
 * (Netty's aggregator would write its own empty 413 at once, possibly in the middle of an earlier
 * pipelined response). Runs on the client connection's event loop.
 */
final class LbRequestAggregator extends HttpObjectAggregator {

  /** Stands for a request whose body was over the limit; the connection closes after its 413. */
  static final class TooLarge {
    private TooLarge() {}
  }

  static final TooLarge TOO_LARGE = new TooLarge();

  LbRequestAggregator(int maxBodyBytes) {
    super(maxBodyBytes);
  }

  /** Keeps Netty's answers to {@code Expect: 100-continue}, with JSON bodies for refusals. */
  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object response = super.newContinueResponse(start, maxContentLength, pipeline);
    if (response instanceof FullHttpResponse) {
      HttpResponseStatus status = ((FullHttpResponse) response).status();
      if (status.codeClass() == HttpStatusClass.CLIENT_ERROR) {
        ReferenceCountUtil.release(response);
        return LbErrors.errorResponse(
            status,
            status.code() == 413
                ? LbErrors.bodyTooLarge(maxContentLength)
                : "Unsupported Expect header (only 100-continue is supported)");
      }
    }
    return response;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    ctx.fireChannelRead(TOO_LARGE);
  }
}
