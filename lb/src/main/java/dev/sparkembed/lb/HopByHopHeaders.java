package dev.sparkembed.lb;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Removes the headers that describe one connection, not the message (RFC 9110 section 7.6.1), so
 * the balancer's two connections each get their own. Used on the balancer's event loops.
 */
final class HopByHopHeaders {

  private HopByHopHeaders() {}

  /** Removes hop-by-hop headers, including those that {@code Connection} names. */
  static void strip(HttpHeaders headers) {
    for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String name : connection.split(",")) {
        String trimmed = name.trim();
        // Framing headers stay whatever Connection claims: the codecs rely on them.
        if (!trimmed.isEmpty() && !FRAMING.contains(trimmed.toLowerCase(Locale.ROOT))) {
          headers.remove(trimmed);
        }
      }
    }
    for (CharSequence name : NAMES) {
      headers.remove(name);
    }
  }

  private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "host");

  private static final List<CharSequence> NAMES =
      List.of(
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.KEEP_ALIVE,
          HttpHeaderNames.PROXY_CONNECTION,
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.UPGRADE);
}
