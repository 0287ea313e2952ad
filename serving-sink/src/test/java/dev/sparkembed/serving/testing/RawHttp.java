package dev.sparkembed.serving.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over one socket, so tests control keep-alive, pipelining, half-sent and
 * malformed requests exactly. Not thread-safe: one per connection.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  public RawHttp(int port) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(60_000);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream());
  }

  /** A free ephemeral port on 127.0.0.1 (closed again before it is returned). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  public static String request(String method, String path, String body, String... headers) {
    byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder s = new StringBuilder();
    s.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headers) {
      s.append(h).append("\r\n");
    }
    s.append("Content-Length: ").append(b.length).append("\r\n\r\n");
    return s + (body == null ? "" : body);
  }

  public void send(String raw) throws IOException {
    out.write(raw.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  public Response post(String path, String body, String... headers) throws IOException {
    send(request("POST", path, body, headers));
    return read();
  }

  /** Reads one response; null when the server closed the connection first. */
  public Response read() throws IOException {
    String status = line();
    if (status == null) {
      return null;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    String h;
    while ((h = line()) != null && !h.isEmpty()) {
      int c = h.indexOf(':');
      headers.put(h.substring(0, c).trim().toLowerCase(Locale.ROOT), h.substring(c + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Response(
        Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  /** True when the server closed the connection (read returns end of stream). */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  public void timeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** One response. */
  public record Response(int status, Map<String, String> headers, String body) {}
}
