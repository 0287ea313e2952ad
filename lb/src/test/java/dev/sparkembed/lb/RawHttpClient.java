package dev.sparkembed.lb;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A blocking HTTP/1.1 client over one plain socket, so tests control keep-alive and pipelining
 * exactly. Reads time out after 15 s so that a hang fails the test instead of stalling it.
 */
final class RawHttpClient implements AutoCloseable {

  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawHttpClient(int port) {
    try {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(15_000);
      socket.setTcpNoDelay(true);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One request on a fresh connection that closes afterwards. */
  static Response call(int port, String method, String path, String headers, String body) {
    try (RawHttpClient client = new RawHttpClient(port)) {
      client.send(request(method, path, headers + "Connection: close\r\n", body));
      return client.read();
    }
  }

  static Response get(int port, String path) {
    return call(port, "GET", path, "", "");
  }

  static String request(String method, String path, String headers, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return method
        + " "
        + path
        + " HTTP/1.1\r\nHost: lb\r\n"
        + headers
        + (bytes.length > 0 || method.equals("POST")
            ? "Content-Length: " + bytes.length + "\r\n"
            : "")
        + "\r\n"
        + body;
  }

  static String get(String path) {
    return request("GET", path, "", "");
  }

  void send(String raw) {
    try {
      out.write(raw.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Response read() {
    try {
      String statusLine = line();
      if (statusLine == null) {
        throw new IOException("connection closed before a response");
      }
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      Map<String, String> headers = new TreeMap<>();
      String line;
      while ((line = line()) != null && !line.isEmpty()) {
        int colon = line.indexOf(':');
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (headers.containsKey("content-length")) {
        body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        int size;
        while ((size = Integer.parseInt(line().trim(), 16)) > 0) {
          body.write(in.readNBytes(size));
          line();
        }
        for (String t = line(); t != null && !t.isEmpty(); t = line()) {
          // trailers
        }
      } else {
        body.write(in.readAllBytes());
      }
      return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True if the server closed the connection (the next read sees end of stream). */
  boolean closedByServer() {
    try {
      return in.read() == -1;
    } catch (IOException e) {
      return true;
    }
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
