package dev.sparkembed.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a freshly started service's first correct reply: POSTs one request every {@link
 * #POLL_INTERVAL} until the reply passes its check, the child exits, or the deadline passes. The
 * time from just before the child was started to that reply is the service's startup time. Runs in
 * the benchmarking JVM.
 */
public final class FirstReplyProbe {
  static final Duration POLL_INTERVAL = Duration.ofMillis(50);
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
  private static final int LOG_LINES = 30;

  private final URI url;
  private final PlannedRequest request;
  private final Duration maxWait;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  public FirstReplyProbe(URI url, PlannedRequest request, Duration maxWait) {
    this.url = url;
    this.request = request;
    this.maxWait = maxWait;
  }

  /** Returns milliseconds from the child's start to its first correct reply. */
  public long awaitFirstReply(ChildProcess child)
      throws ServiceStartException, InterruptedException {
    return await(child, child.name(), child.startNanos());
  }

  /**
   * Waits for a correct reply from a service started elsewhere (no child to watch, e.g. behind a
   * load balancer); returns milliseconds from the call to that reply.
   */
  public long awaitReplyFromRunning(String name)
      throws ServiceStartException, InterruptedException {
    return await(null, name, System.nanoTime());
  }

  private long await(ChildProcess child, String name, long startNanos)
      throws ServiceStartException, InterruptedException {
    long deadline = startNanos + maxWait.toNanos();
    String last = "no reply yet";
    while (System.nanoTime() - deadline < 0) {
      if (child != null && !child.isAlive()) {
        throw BenchErrors.serviceDidNotStart(
            name,
            "exited with code " + child.exitCode() + " before answering " + url,
            child.logTail(LOG_LINES));
      }
      try {
        HttpResponse<String> reply = client.send(post(), HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() == 200 && request.check().matches(reply.body())) {
          return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        }
        last = "HTTP " + reply.statusCode() + " " + abbreviate(reply.body());
      } catch (IOException e) {
        last = e.toString();
      }
      pause(child);
    }
    throw BenchErrors.serviceDidNotStart(
        name,
        "no correct reply from "
            + url
            + " within "
            + BenchOptions.format(maxWait)
            + " (expected "
            + request.expectedReply()
            + ", last: "
            + last
            + ")",
        child == null ? null : child.logTail(LOG_LINES));
  }

  /** Paces the polls; on a child's exit, so that a crash is noticed at once. */
  private static void pause(ChildProcess child) throws InterruptedException {
    if (child == null) {
      Thread.sleep(POLL_INTERVAL.toMillis());
      return;
    }
    try {
      child.awaitExitFuture().get(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      // Still running: poll again.
    }
  }

  private HttpRequest post() {
    return HttpRequest.newBuilder(url)
        .timeout(ATTEMPT_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()))
        .build();
  }

  private static String abbreviate(String body) {
    return body.length() <= 200 ? body : body.substring(0, 200) + "...";
  }
}
