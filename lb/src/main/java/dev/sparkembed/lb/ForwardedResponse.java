package dev.sparkembed.lb;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Rewrites a backend's response head for the client connection, and says which connections stay
 * open afterwards. Balancer's event loops.
 */
final class ForwardedResponse {
  private ForwardedResponse() {}

  /** Whether the backend connection can be reused, and whether the client's must close. */
  record Reuse(boolean backendKeepAlive, boolean closeClient) {}

  static Reuse prepare(
      HttpResponse response, boolean head, boolean clientHttp10, boolean clientKeepAlive) {
    HttpHeaders headers = response.headers();
    boolean backendKeepAlive = HttpUtil.isKeepAlive(response);
    boolean closeClient = false;
    HopByHopHeaders.strip(headers);
    boolean chunked = HttpUtil.isTransferEncodingChunked(response);
    boolean hasLength = headers.contains(HttpHeaderNames.CONTENT_LENGTH);
    boolean bodyless = head || response.status().code() == 204 || response.status().code() == 304;
    if (response instanceof FullHttpResponse && !chunked && !hasLength && !bodyless) {
      HttpUtil.setContentLength(response, ((FullHttpResponse) response).content().readableBytes());
    } else if (!chunked && !hasLength && !bodyless) {
      // The backend ends this body by closing: its connection cannot be reused, and the client
      // gets the body chunked (or, for HTTP/1.0, also ended by a close).
      backendKeepAlive = false;
      if (clientHttp10) {
        closeClient = true;
      } else {
        HttpUtil.setTransferEncodingChunked(response, true);
      }
    } else if (chunked && clientHttp10) {
      headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
      closeClient = true;
    }
    if (!clientKeepAlive) {
      closeClient = true;
    }
    response.setProtocolVersion(HttpVersion.HTTP_1_1);
    if (closeClient) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (clientHttp10) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return new Reuse(backendKeepAlive, closeClient);
  }
}
