package dev.sparkembed.serving.server;

/**
 * The place in one connection's response order that one request's answer goes to. Any thread may
 * call {@link #send}; the write itself happens on the connection's event loop.
 */
public final class ResponseSlot {
  private final ConnectionResponder responder;
  private final int index;
  private final boolean keepAlive;

  ResponseSlot(ConnectionResponder responder, int index, boolean keepAlive) {
    this.responder = responder;
    this.index = index;
    this.keepAlive = keepAlive;
  }

  void send(HttpReply reply) {
    responder.respond(index, reply, keepAlive, null);
  }

  void send(HttpReply reply, PendingRequest done) {
    responder.respond(index, reply, keepAlive, done);
  }

  ConnectionResponder responder() {
    return responder;
  }
}
