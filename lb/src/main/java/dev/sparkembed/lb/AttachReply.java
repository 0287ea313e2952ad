package dev.sparkembed.lb;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.concurrent.RejectedExecutionException;

/**
 * Carries what an attach connection says about one request (on its own event loop) over to the
 * {@link ProxyExchange} that sent it (on the client connection's event loop). One per attempt: the
 * exchange ignores a reply that is no longer its current one. Balancer's JVM.
 */
final class AttachReply implements AttachedConnection.Reply {

  private final ProxyExchange exchange;
  private final EventLoop clientLoop;

  AttachReply(ProxyExchange exchange, EventLoop clientLoop) {
    this.exchange = exchange;
    this.clientLoop = clientLoop;
  }

  @Override
  public void written(Throwable failure) {
    run(() -> exchange.attachedWritten(this, failure), null);
  }

  @Override
  public void response(FullHttpResponse response) {
    run(() -> exchange.attachedResponse(this, response), response);
  }

  @Override
  public void lost() {
    run(() -> exchange.attachedLost(this), null);
  }

  private void run(Runnable task, FullHttpResponse toRelease) {
    try {
      clientLoop.execute(task);
    } catch (RejectedExecutionException e) {
      // The balancer is stopping and its client connections with it.
      if (toRelease != null) {
        toRelease.release();
      }
    }
  }
}
