package dev.sparkembed.lb;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one client request to one backend and streams the response back: choose a backend, take
 * a pooled or new connection on the client's event loop, send, then relay response parts, reading
 * the next part from the backend only after the previous one was written to the client (Netty's
 * proxy example, per request instead of per connection). Every path ends in exactly one call to its
 * {@link Owner}. Runs on the client connection's event loop, and only there.
 *
 * <p>Failures: a backend that cannot be reached, or whose connection fails before the request was
 * written, is skipped (marked down if it refused) and another is tried; a backend that fails after
 * the request was written gets the client a 502 and is marked down (the request may have had
 * effects, so it is not replayed); one that does not start its response in time gets the client a
 * 504; no backend left gets a 503.
 */
final class ProxyExchange implements BackendHandler.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);

  /** The frontend that owns the client connection. */
  interface Owner {
    /** The balancer answers the request itself (an error reply). */
    void respond(FullHttpResponse response, boolean keepAlive);

    /** The backend's response was written to the client; false closes the client connection. */
    void exchangeDone(boolean keepAlive);
  }

  private enum Phase {
    CONNECTING,
    SENDING,
    WAITING,
    STREAMING,
    DONE
  }

  private final ChannelHandlerContext client;
  private final FullHttpRequest request;
  private final ProxyContext lb;
  private final Owner owner;
  private final boolean clientKeepAlive;
  private final boolean clientHttp10;
  private final boolean head;
  private final List<Backend> tried = new ArrayList<>(2);
  private Phase phase = Phase.CONNECTING;
  private Backend backend;
  private Channel backendChannel;
  private ScheduledFuture<?> timeout;
  private ChannelFuture lastWrite;
  private boolean retriedUnsent;
  private boolean backendKeepAlive;
  private boolean closeClient;
  private boolean skippingInterim;
  private AttachReply attachReply;

  /** Takes ownership of {@code request} (released when the exchange ends). */
  ProxyExchange(
      ChannelHandlerContext client, FullHttpRequest request, ProxyContext lb, Owner owner) {
    this.client = client;
    this.request = request;
    this.lb = lb;
    this.owner = owner;
    this.clientKeepAlive = HttpUtil.isKeepAlive(request);
    this.clientHttp10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    this.head = request.method().equals(HttpMethod.HEAD);
  }

  void start() {
    ForwardedRequest.prepare(request, client.channel().remoteAddress());
    attempt();
  }

  /** The client connection closed: drop the backend connection mid-request and end. */
  void clientClosed() {
    if (phase != Phase.DONE) {
      LOG.debug("Client {} closed during its request to {}", client.channel(), backend);
      releaseBackend(false);
      finish();
    }
  }

  private void attempt() {
    Backend chosen = lb.pool().choose(tried);
    if (chosen == null) {
      String message =
          tried.isEmpty()
              ? LbErrors.noHealthyBackend(lb.pool().size())
              : LbErrors.noBackendAccepted(tried.size());
      fail(HttpResponseStatus.SERVICE_UNAVAILABLE, message, LbMetrics.LOCAL);
      return;
    }
    backend = chosen;
    chosen.requestStarted();
    AttachedBackend attached = chosen.attached();
    if (attached != null) {
      sendAttached(chosen, attached.pick());
      return;
    }
    phase = Phase.CONNECTING;
    lb.connector().acquire(loop(), chosen.address()).addListener(f -> connected(chosen, f));
  }

  /** Sends down one of the backend's attach connections (it dialled out to the balancer). */
  private void sendAttached(Backend chosen, AttachedConnection connection) {
    if (connection == null) {
      giveUpOn(chosen); // its last connection closed just now
      attempt();
      return;
    }
    phase = Phase.SENDING;
    startTimeout();
    attachReply = new AttachReply(this, loop());
    connection.send(request.retainedDuplicate(), attachReply);
  }

  /** {@link AttachReply}: the request was written to the attach connection, or not. */
  void attachedWritten(AttachReply reply, Throwable failure) {
    if (reply == attachReply && phase == Phase.SENDING) {
      if (failure == null) {
        phase = Phase.WAITING;
      } else {
        attachReply = null;
        notSent(failure);
      }
    }
  }

  /** {@link AttachReply}: the whole response; released here unless it is still wanted. */
  void attachedResponse(AttachReply reply, FullHttpResponse response) {
    if (reply != attachReply) {
      response.release();
      return;
    }
    attachReply = null;
    backendRead(response);
  }

  /** {@link AttachReply}: the attach connection closed before the response. */
  void attachedLost(AttachReply reply) {
    if (reply == attachReply) {
      attachReply = null;
      lost(false);
    }
  }

  private void connected(Backend chosen, Future<? super Channel> f) {
    if (phase != Phase.CONNECTING || backend != chosen) {
      // The client went away while we connected: keep the fresh connection for someone else.
      if (f.isSuccess()) {
        lb.connector().release(loop(), chosen.address(), (Channel) f.getNow());
      }
      return;
    }
    if (!f.isSuccess()) {
      String reason = "connection failed: " + HealthChecker.describe(f.cause());
      LOG.debug("Backend {} {}", chosen.address(), reason);
      chosen.markDown(reason);
      lb.metrics().backendFailure(chosen.address(), "connect");
      giveUpOn(chosen);
      attempt();
      return;
    }
    Channel ch = (Channel) f.getNow();
    backendChannel = ch;
    ch.pipeline().get(BackendHandler.class).bind(this);
    phase = Phase.SENDING;
    startTimeout();
    ch.writeAndFlush(request.retainedDuplicate()).addListener(w -> written(ch, w));
    ch.read();
  }

  private void startTimeout() {
    if (timeout == null) {
      timeout =
          client
              .executor()
              .schedule(
                  this::timedOut, lb.options().responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void written(Channel ch, Future<?> w) {
    if (phase != Phase.SENDING || backendChannel != ch) {
      return;
    }
    if (w.isSuccess()) {
      phase = Phase.WAITING;
    } else {
      notSent(w.cause());
    }
  }

  /**
   * The connection failed before the request was written whole, so the backend cannot have acted on
   * it: try again, once on any backend (a pooled connection may just have gone stale), then only on
   * backends not tried yet.
   */
  private void notSent(Throwable cause) {
    Backend failed = backend;
    LOG.debug("Request not sent to {}: {}", failed, cause == null ? "closed" : cause.toString());
    releaseBackend(false);
    if (retriedUnsent) {
      giveUpOn(failed);
    } else {
      retriedUnsent = true;
      failed.requestFinished();
      backend = null;
    }
    attempt();
  }

  private void giveUpOn(Backend failed) {
    failed.requestFinished();
    backend = null;
    tried.add(failed);
  }

  private void timedOut() {
    timeout = null;
    if (phase == Phase.SENDING || phase == Phase.WAITING) {
      BackendAddress address = backend.address();
      lb.metrics().backendFailure(address, "timeout");
      releaseBackend(false);
      fail(
          HttpResponseStatus.GATEWAY_TIMEOUT,
          LbErrors.backendTimeout(address, lb.options().responseTimeout()),
          address.toString());
    }
  }

  @Override
  public void backendRead(HttpObject msg) {
    if (phase != Phase.SENDING && phase != Phase.WAITING && phase != Phase.STREAMING) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse) {
      HttpResponse response = (HttpResponse) msg;
      if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        // An interim 1xx reply (the balancer removed Expect, so rare): not for the client.
        skippingInterim = !(msg instanceof LastHttpContent);
        ReferenceCountUtil.release(msg);
        return;
      }
      phase = Phase.STREAMING;
      cancelTimeout();
      ForwardedResponse.Reuse reuse =
          ForwardedResponse.prepare(response, head, clientHttp10, clientKeepAlive);
      backendKeepAlive = reuse.backendKeepAlive();
      closeClient = reuse.closeClient();
      lb.metrics().request(backend.address().toString(), response.status().code());
    } else if (skippingInterim) {
      skippingInterim = !(msg instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    boolean last = msg instanceof LastHttpContent;
    if (last) {
      // The backend connection is free as soon as its response is read.
      releaseBackend(backendKeepAlive);
    }
    lastWrite = client.write(msg);
    if (last) {
      client.flush();
      ChannelFuture done = lastWrite;
      finish();
      boolean keep = !closeClient;
      done.addListener(f -> owner.exchangeDone(keep && f.isSuccess()));
    }
  }

  @Override
  public void backendReadComplete() {
    if (phase != Phase.STREAMING || lastWrite == null) {
      return;
    }
    client.flush();
    Channel ch = backendChannel;
    lastWrite.addListener(
        f -> {
          if (!f.isSuccess()) {
            if (phase != Phase.DONE) {
              clientClosed();
              owner.exchangeDone(false);
            }
          } else if (phase == Phase.STREAMING && backendChannel == ch) {
            ch.read();
          }
        });
  }

  @Override
  public void backendClosed(Throwable cause) {
    backendChannel = null;
    lost(true);
  }

  /**
   * The backend's connection closed: unsent requests are tried again, sent ones get 502 at once.
   * Attached backends are not marked down: they leave the pool with their last connection.
   */
  private void lost(boolean markDown) {
    switch (phase) {
      case SENDING -> notSent(null);
      case WAITING -> {
        BackendAddress address = backend.address();
        String message = LbErrors.backendClosed(address);
        if (markDown) {
          backend.markDown(message);
        }
        lb.metrics().backendFailure(address, "closed");
        fail(HttpResponseStatus.BAD_GATEWAY, message, address.toString());
      }
      case STREAMING -> {
        // Part of the response is already with the client: all we can do is cut it off.
        backend.markDown("connection closed in the middle of a response");
        lb.metrics().backendFailure(backend.address(), "closed");
        finish();
        client.flush();
        owner.exchangeDone(false);
      }
      default -> {}
    }
  }

  private void fail(HttpResponseStatus status, String message, String metricsLabel) {
    LOG.debug("{} for {} {}: {}", status.code(), request.method(), request.uri(), message);
    lb.metrics().request(metricsLabel, status.code());
    boolean keepAlive = clientKeepAlive;
    finish();
    owner.respond(LbErrors.errorResponse(status, message), keepAlive);
  }

  private void finish() {
    if (phase == Phase.DONE) {
      return;
    }
    phase = Phase.DONE;
    attachReply = null;
    cancelTimeout();
    if (backend != null) {
      backend.requestFinished();
      backend = null;
    }
    request.release();
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }

  /** Detaches the backend connection: back to the pool if reusable, else closed. */
  private void releaseBackend(boolean reuse) {
    Channel ch = backendChannel;
    backendChannel = null;
    if (ch == null) {
      return;
    }
    ch.pipeline().get(BackendHandler.class).unbind();
    if (reuse && backend != null && !backend.isRemoved()) {
      lb.connector().release(loop(), backend.address(), ch);
    } else {
      ch.close();
    }
  }

  private EventLoop loop() {
    return client.channel().eventLoop();
  }
}
