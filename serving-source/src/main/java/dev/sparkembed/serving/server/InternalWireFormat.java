package dev.sparkembed.serving.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary body of the internal endpoints: batches of requests (server to a reader in another
 * JVM) and batches of replies (writer to the server that holds the connections). Versioned by a
 * leading byte. Used on the driver and on executors.
 */
public final class InternalWireFormat {
  private static final byte VERSION = 1;

  private InternalWireFormat() {}

  /** One request as read by a partition: its number and its data. */
  public record WireRequest(long seq, PendingRequest.RequestData data) {}

  /** One reply addressed to a request of a queue. */
  public record WireReply(String queue, long seq, HttpReply reply) {}

  public static byte[] encodeRequests(List<PendingRequest> requests) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + 128 * requests.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(requests.size());
      for (PendingRequest r : requests) {
        PendingRequest.RequestData d = r.data();
        out.writeLong(r.seq());
        writeString(out, d.method());
        writeString(out, d.path());
        writeString(out, d.query());
        writeMap(out, d.headers());
        writeBytes(out, d.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static List<WireRequest> decodeRequests(byte[] body) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
      checkVersion(in);
      int n = in.readInt();
      List<WireRequest> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        long seq = in.readLong();
        String method = readString(in);
        String path = readString(in);
        String query = readString(in);
        Map<String, String> headers = readMap(in);
        byte[] data = readBytes(in);
        out.add(
            new WireRequest(
                seq, new PendingRequest.RequestData(method, path, query, headers, data, 0L)));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Corrupt request batch", e);
    }
  }

  public static byte[] encodeReplies(List<WireReply> replies) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + 128 * replies.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(replies.size());
      for (WireReply r : replies) {
        writeString(out, r.queue());
        out.writeLong(r.seq());
        out.writeInt(r.reply().status());
        writeMap(out, r.reply().headers());
        writeBytes(out, r.reply().body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static List<WireReply> decodeReplies(byte[] body) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
      checkVersion(in);
      int n = in.readInt();
      List<WireReply> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String queue = readString(in);
        long seq = in.readLong();
        int status = in.readInt();
        Map<String, String> headers = readMap(in);
        byte[] data = readBytes(in);
        out.add(new WireReply(queue, seq, new HttpReply(status, headers, data)));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Corrupt reply batch", e);
    }
  }

  private static void checkVersion(DataInputStream in) throws IOException {
    byte v = in.readByte();
    if (v != VERSION) {
      throw new IOException("Unsupported wire format version " + v + " (expected " + VERSION + ")");
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = readBytes(in);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    if (b == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  private static void writeMap(DataOutputStream out, Map<String, String> m) throws IOException {
    if (m == null) {
      out.writeInt(0);
      return;
    }
    out.writeInt(m.size());
    for (Map.Entry<String, String> e : m.entrySet()) {
      writeString(out, e.getKey());
      writeString(out, e.getValue());
    }
  }

  private static Map<String, String> readMap(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<String, String> m = new HashMap<>(Math.max(4, n * 2));
    for (int i = 0; i < n; i++) {
      m.put(readString(in), readString(in));
    }
    return m;
  }
}
