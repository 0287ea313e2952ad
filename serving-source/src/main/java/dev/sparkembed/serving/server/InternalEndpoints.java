package dev.sparkembed.serving.server;

import dev.sparkembed.serving.conf.HttpServerOptions;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * The {@code /_spark-embed/} endpoints of a server: health (open), and, with the query's secret in
 * {@code X-Spark-Embed-Secret}, the live server list, fetching a partition's requests, waiting for
 * new requests, forwarded replies, and finishing/committing/closing a queue. Anything without the
 * right secret gets 403. Never blocks: waits are callbacks. Event loop of the server's JVM.
 */
final class InternalEndpoints {
  static final String HEALTH = "health";
  static final String SERVERS = "servers";
  static final String REQUESTS = "requests";
  static final String LATEST = "latest";
  static final String REPLIES = "replies";
  static final String FINISH = "finish";
  static final String COMMIT = "commit";
  static final String CLOSE = "close";
  static final String TAKE = "take";

  /** One answer for a wrong secret and an unknown queue alike: tokens cannot be probed. */
  static final String FORBIDDEN =
      "Missing or wrong " + HttpServerOptions.SECRET_HEADER + " header, or no such queue";

  private final RouteTable routes;

  InternalEndpoints(RouteTable routes) {
    this.routes = routes;
  }

  void handle(FullHttpRequest request, QueryStringDecoder uri, ResponseSlot slot) {
    String name = uri.path().substring(HttpServerOptions.INTERNAL_PREFIX.length());
    String secret = request.headers().get(HttpServerOptions.SECRET_HEADER);
    if (HEALTH.equals(name)) {
      slot.send(HttpReply.json("{\"status\":\"ok\"}"));
      return;
    }
    if (SERVERS.equals(name)) {
      servers(secret, slot);
      return;
    }
    if (!List.of(REQUESTS, LATEST, REPLIES, FINISH, COMMIT, CLOSE, TAKE).contains(name)) {
      slot.send(HttpReply.error(404, "No internal endpoint '" + uri.path() + "'"));
      return;
    }
    try {
      if (REPLIES.equals(name)) {
        replies(request, secret, slot);
        return;
      }
      RequestQueue queue = ServingServers.queue(param(uri, "queue"));
      if (queue == null || !queue.secretMatches(secret)) {
        slot.send(forbiddenOrGone(queue, param(uri, "queue")));
        return;
      }
      switch (name) {
        case REQUESTS ->
            slot.send(
                binary(
                    InternalWireFormat.encodeRequests(
                        queue.read(longParam(uri, "from"), longParam(uri, "to")))));
        case LATEST -> latest(queue, longParam(uri, "after"), longParam(uri, "waitMs"), slot);
        case TAKE ->
            take(
                queue,
                (int) longParam(uri, "lane"),
                (int) longParam(uri, "max"),
                longParam(uri, "waitMs"),
                slot);
        case FINISH -> {
          int n = queue.finishUpTo(longParam(uri, "upTo"), param(uri, "cause"));
          slot.send(HttpReply.json("{\"finished\":" + n + "}"));
        }
        case COMMIT -> {
          if (uri.parameters().containsKey("lane")) {
            queue.commitLane(
                (int) longParam(uri, "lane"), longParam(uri, "upTo"), param(uri, "cause"));
          } else {
            queue.commitUpTo(longParam(uri, "upTo"), param(uri, "cause"));
          }
          slot.send(HttpReply.json("{\"committed\":true}"));
        }
        case CLOSE -> {
          String cause = param(uri, "cause");
          // Unregistering may close this very server, which waits for its connections: never on
          // an event loop.
          BLOCKING.execute(() -> ServingServers.unregister(queue.token(), cause));
          slot.send(HttpReply.json("{\"closed\":true}"));
        }
        default -> slot.send(HttpReply.error(404, "No internal endpoint '" + uri.path() + "'"));
      }
    } catch (IllegalArgumentException e) {
      slot.send(HttpReply.error(400, e.getMessage()));
    }
  }

  private static HttpReply forbiddenOrGone(RequestQueue queue, String token) {
    return HttpReply.error(403, FORBIDDEN);
  }

  private void servers(String secret, ResponseSlot slot) {
    for (Route r : routes.all()) {
      if (r.directory() != null && r.secretMatches(secret)) {
        slot.send(HttpReply.json(r.directory().serversJson()));
        return;
      }
    }
    slot.send(HttpReply.error(403, FORBIDDEN));
  }

  private static void replies(FullHttpRequest request, String secret, ResponseSlot slot) {
    byte[] body = new byte[request.content().readableBytes()];
    request.content().readBytes(body);
    List<InternalWireFormat.WireReply> replies;
    try {
      replies = InternalWireFormat.decodeReplies(body);
    } catch (RuntimeException e) {
      slot.send(HttpReply.error(400, "Malformed replies body: " + e));
      return;
    }
    for (InternalWireFormat.WireReply r : replies) {
      RequestQueue q = ServingServers.queue(r.queue());
      if (q != null && !q.secretMatches(secret)) {
        slot.send(forbiddenOrGone(q, r.queue()));
        return;
      }
    }
    int sent = 0;
    for (InternalWireFormat.WireReply r : replies) {
      RequestQueue q = ServingServers.queue(r.queue());
      if (q == null) {
        continue; // its query stopped: every client there was answered 503 already
      }
      if (q.answer(r.seq(), r.reply()) == RequestQueue.ReplyOutcome.SENT) {
        sent++;
      }
    }
    slot.send(HttpReply.json("{\"received\":" + replies.size() + ",\"sent\":" + sent + "}"));
  }

  private static void latest(RequestQueue queue, long after, long waitMs, ResponseSlot slot) {
    AtomicBoolean done = new AtomicBoolean();
    ScheduledFuture<?>[] timer = new ScheduledFuture<?>[1];
    LongConsumer onArrival =
        seq -> {
          if (done.compareAndSet(false, true)) {
            if (timer[0] != null) {
              timer[0].cancel(false);
            }
            slot.send(HttpReply.json(status(queue, seq)));
          }
        };
    if (!queue.onArrivalAfter(after, onArrival)) {
      return;
    }
    timer[0] =
        slot.responder()
            .eventLoop()
            .schedule(
                () -> {
                  queue.removeArrivalListener(onArrival);
                  onArrival.accept(queue.lastSeq());
                },
                Math.max(0, Math.min(waitMs, 10_000)),
                TimeUnit.MILLISECONDS);
  }

  /** Continuous readers in another JVM: a blocking wait, so it runs off the event loop. */
  private static void take(RequestQueue queue, int lane, int max, long waitMs, ResponseSlot slot) {
    if (lane < 0 || lane >= queue.laneCount()) {
      slot.send(
          HttpReply.error(400, "No lane " + lane + " (the queue has " + queue.laneCount() + ")"));
      return;
    }
    BLOCKING.execute(
        () -> {
          try {
            List<PendingRequest> got =
                queue.takeBatch(lane, Math.max(1, max), Math.max(0, Math.min(waitMs, 10_000)));
            slot.send(binary(InternalWireFormat.encodeRequests(got)));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            slot.send(HttpReply.error(503, "Server stopping"));
          } catch (RuntimeException e) {
            slot.send(HttpReply.error(500, e.toString()));
          }
        });
  }

  private static final java.util.concurrent.ExecutorService BLOCKING =
      java.util.concurrent.Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "spark-embed-take");
            t.setDaemon(true);
            return t;
          });

  /** {@code {"lastSeq":N,"depth":D,"metrics":{...}}}: a queue's position and counters. */
  private static String status(RequestQueue queue, long seq) {
    StringBuilder b =
        new StringBuilder("{\"lastSeq\":").append(seq).append(",\"depth\":").append(queue.depth());
    b.append(",\"metrics\":{");
    boolean first = true;
    for (Map.Entry<String, Long> m : queue.metrics().snapshot().entrySet()) {
      b.append(first ? "" : ",")
          .append(JsonQuoting.quote(m.getKey()))
          .append(':')
          .append(m.getValue());
      first = false;
    }
    return b.append("}}").toString();
  }

  private static HttpReply binary(byte[] body) {
    return new HttpReply(200, Map.of("content-type", "application/octet-stream"), body);
  }

  private static String param(QueryStringDecoder uri, String name) {
    List<String> values = uri.parameters().get(name);
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("Missing parameter '" + name + "'");
    }
    return values.get(0);
  }

  private static long longParam(QueryStringDecoder uri, String name) {
    String v = param(uri, name);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid parameter '" + name + "': " + v + " (expected an integer)");
    }
  }
}
