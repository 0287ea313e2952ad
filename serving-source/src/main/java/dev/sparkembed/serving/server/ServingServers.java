package dev.sparkembed.serving.server;

import dev.sparkembed.serving.conf.ServingErrors;
import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops the HTTP servers and request queues of this JVM (driver and executors alike),
 * kept in the {@link ServingRegistry}. One server per host and port, shared by the queries that
 * serve different paths on it and reference-counted: created by the first query that registers
 * there, closed (port released) when the last one unregisters. Queues are found by their token,
 * which request ids and offsets carry.
 */
public final class ServingServers {
  private static final Logger LOG = LoggerFactory.getLogger(ServingServers.class);

  private static final ServingRegistry.Table<String, ServingServer> SERVERS =
      new ServingRegistry.Table<>("servers by host:port");
  private static final ServingRegistry.Table<String, Registration> REGISTRATIONS =
      new ServingRegistry.Table<>("queues by token");
  private static final ServingRegistry.Table<String, List<Runnable>> ON_UNREGISTER =
      new ServingRegistry.Table<>("unregister hooks by token");
  private static final ServingRegistry REGISTRY = ServingRegistry.jvm();

  private ServingServers() {}

  /**
   * What a query asks for when it registers its paths.
   *
   * @param extension the query's server extension, created for this registration, or {@code null}
   * @param tls the PEM files for HTTPS when this registration starts the server, or {@code null}
   */
  public record Spec(
      String bindHost,
      String advertisedHost,
      int port,
      int portsToTry,
      List<String> paths,
      String token,
      String secret,
      int maxQueuedRequests,
      long requestTimeoutMs,
      int maxBodyBytes,
      Set<String> methods,
      boolean servesRequests,
      ServerDirectory directory,
      int lanes,
      ExtensionSpec extension,
      TlsFiles tls,
      long requestReadTimeoutMs) {

    /** The first path. */
    public String path() {
      return paths.get(0);
    }
  }

  /** A {@link ServerExtension} class and its options. */
  public record ExtensionSpec(String className, Map<String, String> options) {

    /** A new started instance for {@code queue}, or a clear error naming the class. */
    ServerExtension create(RequestQueue queue) {
      ServerExtension extension;
      try {
        Class<?> c = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
        extension = (ServerExtension) c.getConstructor().newInstance();
      } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
        throw ServingErrors.badExtension(className, e);
      }
      java.util.TreeMap<String, String> caseInsensitive =
          new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      caseInsensitive.putAll(options);
      extension.start(caseInsensitive, queue);
      return extension;
    }
  }

  /** PEM certificate chain and PKCS#8 private key of an HTTPS server. */
  public record TlsFiles(String certificate, String privateKey) {}

  /** A registered path: its queue (null for a driver that only publishes servers) and address. */
  public record Registration(
      String token, RequestQueue queue, String host, int port, String path, Route route) {
    /** {@code host:port}, as request ids name their origin server. */
    public String address() {
      return host + ":" + port;
    }
  }

  /**
   * Registers a path on a server at {@code port} (or the next free one, up to {@code portsToTry}),
   * starting the server if this JVM has none there.
   *
   * @throws IllegalStateException naming host, port and path when no port could be used
   */
  public static synchronized Registration register(Spec spec) {
    RequestQueue queue =
        spec.servesRequests()
            ? new RequestQueue(
                spec.token(), spec.secret(), spec.maxQueuedRequests(), spec.requestTimeoutMs())
            : null;
    if (queue != null && spec.lanes() > 0) {
      queue.useLanes(spec.lanes());
    }
    ServerExtension extension = spec.extension() == null ? null : spec.extension().create(queue);
    Route route =
        new Route(
            List.copyOf(spec.paths()),
            queue,
            spec.directory(),
            spec.secret(),
            spec.maxBodyBytes(),
            spec.methods(),
            extension);
    Exception last = null;
    int tries = spec.port() == 0 ? 1 : Math.max(1, spec.portsToTry());
    for (int i = 0; i < tries && spec.port() + i <= 65535; i++) {
      int port = spec.port() + i;
      String key = spec.bindHost() + ":" + port;
      ServingServer server = port == 0 ? null : REGISTRY.get(SERVERS, key);
      boolean fresh = false;
      if (server == null) {
        try {
          server =
              ServingServer.bind(spec.bindHost(), port, spec.tls(), spec.requestReadTimeoutMs());
          fresh = true;
        } catch (Exception e) {
          last = e;
          if (e instanceof BindException && i + 1 < tries) {
            continue;
          }
          throw ServingErrors.bindFailed(spec.bindHost(), port, e);
        }
      }
      if (!fresh && !java.util.Objects.equals(server.tls(), spec.tls())) {
        throw ServingErrors.tlsMismatch(spec.bindHost(), server.port(), server.tls() != null);
      }
      if (!server.routes().add(route)) {
        if (i + 1 < tries) {
          continue;
        }
        throw ServingErrors.pathTaken(spec.bindHost(), port, spec.path());
      }
      if (fresh) {
        REGISTRY.put(SERVERS, spec.bindHost() + ":" + server.port(), server);
      }
      Registration reg =
          new Registration(
              spec.token(), queue, spec.advertisedHost(), server.port(), spec.path(), route);
      REGISTRY.put(REGISTRATIONS, spec.token(), reg);
      // The queue's token stays out of INFO logs: with the secret it reaches the internal API.
      LOG.info(
          "Serving {} on {}:{}",
          String.join(", ", route.allPaths()),
          spec.advertisedHost(),
          server.port());
      return reg;
    }
    throw ServingErrors.bindFailed(
        spec.bindHost(),
        spec.port(),
        last == null ? new BindException("no free port in range") : last);
  }

  /** The queue with this token in this JVM, or null. */
  public static RequestQueue queue(String token) {
    Registration r = REGISTRY.get(REGISTRATIONS, token);
    return r == null ? null : r.queue();
  }

  public static Registration registration(String token) {
    return REGISTRY.get(REGISTRATIONS, token);
  }

  /**
   * Unregisters a path: its waiting requests are answered 503 with {@code reason}, and the server
   * stops when no other query uses it. Idempotent.
   */
  public static void unregister(String token, String reason) {
    ServingServer toClose = null;
    Registration reg;
    List<Runnable> hooks;
    synchronized (ServingServers.class) {
      reg = REGISTRY.remove(REGISTRATIONS, token);
      if (reg == null) {
        return;
      }
      hooks = REGISTRY.remove(ON_UNREGISTER, token);
      for (String key : REGISTRY.keys(SERVERS)) {
        ServingServer s = REGISTRY.get(SERVERS, key);
        if (s == null) {
          continue;
        }
        if (s.routes().contains(reg.route())) {
          // Retired first, then closed: a request arriving meanwhile gets 503, never 404.
          s.routes().retire(reg.route(), reason);
          if (s.routes().isEmpty()) {
            REGISTRY.remove(SERVERS, key);
            toClose = s;
          }
        }
      }
      if (reg.queue() != null) {
        // Answers every waiting client 503; those answers are queued on the connections' event
        // loops before the server's close below, so they are written before any connection
        // closes.
        reg.queue().close(reason);
      }
    }
    if (hooks != null) {
      hooks.forEach(Runnable::run);
    }
    // After the queue's 503s were handed to the connections: attach connections drain them too.
    LbAttachments.detach(token, reason);
    if (toClose != null) {
      toClose.close();
    }
  }

  /** Runs {@code hook} when the queue {@code token} is unregistered (its owner's entries go). */
  public static synchronized void onUnregister(String token, Runnable hook) {
    List<Runnable> hooks = REGISTRY.get(ON_UNREGISTER, token);
    if (hooks == null) {
      hooks = new java.util.concurrent.CopyOnWriteArrayList<>();
      REGISTRY.put(ON_UNREGISTER, token, hooks);
    }
    hooks.add(hook);
  }

  /** Tokens of the queues registered in this JVM (tests, diagnostics). */
  public static synchronized List<String> tokens() {
    return REGISTRY.keys(REGISTRATIONS);
  }

  /** Ports with a running server in this JVM (tests, diagnostics). */
  public static synchronized List<Integer> ports() {
    List<Integer> ports = new ArrayList<>();
    for (ServingServer s : REGISTRY.values(SERVERS)) {
      ports.add(s.port());
    }
    return ports;
  }
}
