package dev.sparkembed.serving.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sparkembed.serving.testing.EchoQueries;
import dev.sparkembed.serving.testing.RawHttp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query stopped under load (issue 11, part 4): every request gets its reply or 503 with
 * Retry-After; none gets 404, and no connection closes on a waiting client without an answer. Both
 * triggers, real local[2] session, real sockets.
 */
class StoppingQueryTest {
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark = EchoQueries.session("local[2]");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void microBatchStopsWithRepliesOr503s() throws Exception {
    stopUnderLoad(Trigger.ProcessingTime(0), "mb");
  }

  @Test
  void continuousStopsWithRepliesOr503s() throws Exception {
    stopUnderLoad(Trigger.Continuous(1000), "cont");
  }

  private void stopUnderLoad(Trigger trigger, String name) throws Exception {
    int port = RawHttp.freePort();
    StreamingQuery q =
        EchoQueries.start(spark, port, "/echo", dir.resolve(name), Map.of(), d -> d, trigger);
    dev.sparkembed.serving.HttpServing.awaitServing(q, java.time.Duration.ofMinutes(2));
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    AtomicInteger silentCloses = new AtomicInteger();
    CountDownLatch someAnswered = new CountDownLatch(16);
    int clients = 8;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> running = new ArrayList<>();
    try {
      for (int c = 0; c < clients; c++) {
        int client = c;
        running.add(
            pool.submit(
                () -> {
                  // Each client sends until it is told to retry later (503) or its connection is
                  // refused (the port closed), at most 2,000 requests: bounded whatever happens.
                  for (int i = 0; i < 2_000; i++) {
                    try (RawHttp http = new RawHttp(port)) {
                      http.timeout(30_000);
                      RawHttp.Response r = http.post("/echo", EchoQueries.body("c" + client));
                      if (r == null) {
                        silentCloses.incrementAndGet();
                        continue;
                      }
                      statuses
                          .computeIfAbsent(r.status(), s -> new AtomicInteger())
                          .incrementAndGet();
                      someAnswered.countDown();
                      if (r.status() == 503) {
                        assertThat(r.headers()).containsKey("retry-after");
                        return null; // a client told to retry after 1 s comes back after the stop
                      }
                    } catch (java.net.ConnectException e) {
                      return null; // the port closed: the query is gone
                    }
                  }
                  return null;
                }));
      }
      assertThat(someAnswered.await(120, TimeUnit.SECONDS)).isTrue();
      q.stop();
      for (Future<?> f : running) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(statuses.keySet()).as("statuses %s", statuses).isSubsetOf(200, 503);
    assertThat(statuses.get(200).get()).isPositive();
    assertThat(silentCloses.get()).as("connections closed without an answer").isZero();
  }
}
