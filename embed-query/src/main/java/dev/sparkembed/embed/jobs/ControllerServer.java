package dev.sparkembed.embed.jobs;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's HTTP front on one port: {@code /jobs...} to {@link JobsHttpHandler}, everything
 * else to the embedding service through {@link ServiceProxyHandler}. Blocking handlers on a small
 * thread pool (job calls are rare and cheap; the embedding work runs in Spark). Driver only.
 */
public final class ControllerServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerServer.class);

  private final HttpServer server;
  private final ExecutorService threads;

  private ControllerServer(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /**
   * Binds and starts.
   *
   * @param port 0 for a free one
   * @param service the embedding service's base URL, or null to serve the job API only
   * @param apiKey the key the job API requires, or null
   */
  public static ControllerServer start(
      String host, int port, JobController controller, URI service, String apiKey)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 128);
    server.createContext("/jobs", new JobsHttpHandler(controller, apiKey));
    if (service != null) {
      server.createContext("/", new ServiceProxyHandler(service));
    }
    ExecutorService threads =
        Executors.newFixedThreadPool(
            8,
            r -> {
              Thread t = new Thread(r, "spark-embed-controller-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(threads);
    server.start();
    LOG.info(
        "Controller listening on http://{}:{} (jobs API at /jobs{})",
        host,
        server.getAddress().getPort(),
        service == null ? "" : "; embedding endpoints from " + service);
    return new ControllerServer(server, threads);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
