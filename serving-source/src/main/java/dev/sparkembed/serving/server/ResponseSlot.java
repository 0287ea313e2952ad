package dev.sparkembed.serving.server;

/**
 * The place in one connection's response order that one request's answer goes to. Any thread may
 * call {@link #send}; the write itself happens on the connection's event loop.
 */
public final class ResponseSlot {
  private final ConnectionResponder responder;
  private final int index;
  private final boolean keepAlive;
  private boolean linger;
  private volatile ServerExtension observer;
  private String path;
  private long receivedNanos;

  ResponseSlot(ConnectionResponder responder, int index, boolean keepAlive) {
    this.responder = responder;
    this.index = index;
    this.keepAlive = keepAlive;
  }

  /** After this answer the connection lingers (discarding input) and closes: a final answer. */
  ResponseSlot lingerOnClose() {
    linger = true;
    return this;
  }

  /** Tells {@code extension} of this request's answer, when it comes (event loop, once). */
  void observe(ServerExtension extension, String requestPath, long arrivalNanos) {
    path = requestPath;
    receivedNanos = arrivalNanos;
    observer = extension;
  }

  void send(HttpReply reply) {
    answered(reply);
    responder.respond(index, reply, keepAlive, linger, null);
  }

  void send(HttpReply reply, PendingRequest done) {
    answered(reply);
    responder.respond(index, reply, keepAlive, linger, done);
  }

  void sendFiles(
      int status, java.util.Map<String, String> headers, java.util.List<java.nio.file.Path> files) {
    HttpReply head = new HttpReply(status, headers, null);
    answered(head);
    responder.respondWithFiles(index, head, files, keepAlive);
  }

  private void answered(HttpReply reply) {
    ServerExtension o = observer;
    if (o != null) {
      observer = null;
      o.answered(path, reply.status(), System.nanoTime() - receivedNanos);
    }
  }

  ConnectionResponder responder() {
    return responder;
  }
}
