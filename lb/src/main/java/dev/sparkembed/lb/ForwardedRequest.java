package dev.sparkembed.lb;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Rewrites a client's request for a backend connection: HTTP/1.1 keep-alive, no hop-by-hop headers,
 * an exact length, and {@code X-Forwarded-For}/{@code -Proto}. Balancer's event loops.
 */
final class ForwardedRequest {
  private ForwardedRequest() {}

  static void prepare(FullHttpRequest request, SocketAddress client) {
    HttpHeaders headers = request.headers();
    HopByHopHeaders.strip(headers);
    // The balancer has read the whole body already and answered any 100-continue itself.
    headers.remove(HttpHeaderNames.EXPECT);
    headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    if (request.content().isReadable() || headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      HttpUtil.setContentLength(request, request.content().readableBytes());
    }
    if (client instanceof InetSocketAddress) {
      String ip = ((InetSocketAddress) client).getAddress().getHostAddress();
      String forwarded = headers.get("X-Forwarded-For");
      headers.set("X-Forwarded-For", forwarded == null ? ip : forwarded + ", " + ip);
    }
    if (!headers.contains("X-Forwarded-Proto")) {
      headers.set("X-Forwarded-Proto", "http");
    }
  }
}
