package dev.sparkembed.serving.sink;

import dev.sparkembed.serving.server.InternalClient;
import dev.sparkembed.serving.server.InternalWireFormat;
import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one writer's replies to the servers that hold their connections: the first reply for a
 * server goes at once; replies written while a send is in flight go together in the next one (so
 * latency stays one round trip and throughput batches itself). Executor.
 */
final class ReplyForwarder {
  private static final Logger LOG = LoggerFactory.getLogger(ReplyForwarder.class);
  private static final long COMMIT_WAIT_SECONDS = 60;
  static final long MAX_BATCH_BYTES = 8L << 20;

  /** A reply's approximate size on the wire. */
  private record HttpReplyBytes(long bytes) {
    static HttpReplyBytes of(InternalWireFormat.WireReply r) {
      byte[] body = r.reply().body();
      return new HttpReplyBytes(256 + (body == null ? 0 : body.length));
    }
  }

  private final String secret;
  private final Map<String, Target> targets = new HashMap<>();

  ReplyForwarder(String secret) {
    this.secret = secret;
  }

  synchronized void add(String server, InternalWireFormat.WireReply reply) {
    Target t = targets.computeIfAbsent(server, s -> new Target(new InternalClient(s, secret), s));
    t.buffer.add(reply);
    if (t.inFlight == null) {
      send(t);
    }
  }

  private void send(Target t) {
    // A batch stays well under the receiving server's internal body limit (32 MiB); one reply
    // larger than the budget goes alone.
    int n = 0;
    long bytes = 0;
    while (n < t.buffer.size()) {
      HttpReplyBytes size = HttpReplyBytes.of(t.buffer.get(n));
      if (n > 0 && bytes + size.bytes() > MAX_BATCH_BYTES) {
        break;
      }
      bytes += size.bytes();
      n++;
    }
    List<InternalWireFormat.WireReply> batch = new ArrayList<>(t.buffer.subList(0, n));
    t.buffer.subList(0, n).clear();
    CompletableFuture<Void> f = t.client.forward(InternalWireFormat.encodeReplies(batch));
    t.inFlight = f;
    t.lastSent = f;
    f.whenComplete((ok, err) -> sent(t, err));
  }

  private synchronized void sent(Target t, Throwable err) {
    if (err != null && t.failure == null) {
      t.failure = err;
    }
    t.inFlight = null;
    if (!t.buffer.isEmpty()) {
      send(t);
    }
    notifyAll();
  }

  /** Sends what is buffered and waits until every server acknowledged. */
  synchronized void flushAndWait() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMIT_WAIT_SECONDS);
    for (Target t : targets.values()) {
      if (t.inFlight == null && !t.buffer.isEmpty()) {
        send(t);
      }
    }
    try {
      while (busy()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException(
              "Forwarded replies not acknowledged within " + COMMIT_WAIT_SECONDS + " s");
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while forwarding replies", e);
    }
    for (Target t : targets.values()) {
      if (t.failure != null) {
        Throwable cause = unwrap(t.failure);
        if (cause instanceof ConnectException) {
          // That server's JVM is gone, and so are its clients: nothing to answer.
          LOG.warn("Replies for {} dropped: server unreachable ({})", t.server, cause.toString());
          continue;
        }
        throw new IOException("Cannot forward replies to " + t.server + ": " + cause, cause);
      }
    }
  }

  private boolean busy() {
    for (Target t : targets.values()) {
      if (t.inFlight != null || !t.buffer.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  synchronized void discard() {
    targets.values().forEach(t -> t.buffer.clear());
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof ExecutionException
            || t instanceof java.util.concurrent.CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static final class Target {
    final InternalClient client;
    final String server;
    List<InternalWireFormat.WireReply> buffer = new ArrayList<>();
    CompletableFuture<Void> inFlight;
    CompletableFuture<Void> lastSent;
    Throwable failure;

    Target(InternalClient client, String server) {
      this.client = client;
      this.server = server;
    }
  }
}
