package dev.sparkembed.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small echo service for tests (JDK HttpServer on 127.0.0.1): POST {"text": "..."} answers
 * {"length":n}, like the real echo job. Knobs make it misbehave on purpose, and it records what the
 * load generator did to it. Its {@link #main} runs it as a child JVM for the process-control tests.
 */
public final class TestEchoServer implements AutoCloseable {
  static {
    // Without it every reply waits for a delayed ACK (~40 ms).
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final Pattern TEXT = Pattern.compile("\"text\"\\s*:\\s*\"([^\"]*)\"");

  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  public final AtomicLong handled = new AtomicLong();
  final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

  /** Every n-th reply claims a wrong length (0: never). */
  volatile int wrongEvery;

  /** The status of every reply. */
  volatile int status = 200;

  /** Never answer. */
  volatile boolean silent;

  /** Hold replies until this many requests are in flight at once. */
  volatile CountDownLatch gate = new CountDownLatch(0);

  TestEchoServer(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    server.setExecutor(pool);
    server.createContext("/echo", this::handle);
    server.start();
  }

  public static TestEchoServer start() throws IOException {
    return new TestEchoServer(0);
  }

  int port() {
    return server.getAddress().getPort();
  }

  public java.net.URI url() {
    return java.net.URI.create("http://127.0.0.1:" + port() + "/echo");
  }

  private void handle(HttpExchange exchange) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    clientPorts.add(exchange.getRemoteAddress().getPort());
    try (InputStream in = exchange.getRequestBody()) {
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      long n = handled.incrementAndGet();
      if (silent) {
        return;
      }
      CountDownLatch g = gate;
      g.countDown();
      g.await(5, TimeUnit.SECONDS);
      Matcher m = TEXT.matcher(body);
      int length = m.find() ? m.group(1).length() : -1;
      if (wrongEvery > 0 && n % wrongEvery == 0) {
        length++;
      }
      byte[] reply = ("{\"length\":" + length + "}").getBytes(StandardCharsets.UTF_8);
      inFlight.decrementAndGet();
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, reply.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(reply);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  /**
   * {@code TestEchoServer <port> [serve|ignore-sigterm|stop-file=PATH|exit=N|idle]}: serves until
   * SIGTERM, or ignores SIGTERM, or exits 0 once PATH exists, or exits at once with N, or runs
   * without listening.
   */
  public static void main(String[] args) throws Exception {
    String mode = args.length > 1 ? args[1] : "serve";
    if (mode.startsWith("exit=")) {
      System.err.println("exiting on purpose");
      System.exit(Integer.parseInt(mode.substring(5)));
    }
    CountDownLatch never = new CountDownLatch(1);
    if (mode.equals("idle")) {
      never.await();
    }
    TestEchoServer server = new TestEchoServer(Integer.parseInt(args[0]));
    System.out.println("listening on " + server.port());
    if (mode.equals("ignore-sigterm")) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> awaitQuietly(never)));
    }
    if (mode.startsWith("stop-file=")) {
      Path file = Path.of(mode.substring("stop-file=".length())).toAbsolutePath();
      try (WatchService watch = FileSystems.getDefault().newWatchService()) {
        file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE);
        while (!file.toFile().exists()) {
          watch.poll(1, TimeUnit.SECONDS);
        }
      }
      server.close();
      System.exit(0);
    }
    never.await();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
