package dev.sparkembed.serving.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sparkembed.serving.HttpServing;
import dev.sparkembed.serving.server.ServingRegistry;
import dev.sparkembed.serving.testing.EchoQueries;
import dev.sparkembed.serving.testing.RawHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's lifecycle (issue 10): 50 queries started, each answering a request, and stopped in
 * one JVM (head and distributed placement, micro-batch and continuous triggers) leave nothing
 * behind in the {@link ServingRegistry}.
 */
class RegistryLifecycleTest {
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
  void fiftyQueriesStartedAndStoppedLeaveNothingBehind() throws Exception {
    Map<String, Integer> before = ServingRegistry.jvm().sizes();
    for (int i = 0; i < 50; i++) {
      boolean continuous = i % 5 == 4;
      boolean distributed = i % 3 == 1;
      int port = RawHttp.freePort();
      StreamingQuery q =
          EchoQueries.start(
              spark,
              port,
              "/q" + i,
              dir.resolve("cp" + i),
              distributed ? Map.of("mode", "distributed") : Map.of(),
              d -> d,
              continuous ? Trigger.Continuous(1000) : Trigger.ProcessingTime(0));
      HttpServing.awaitServing(q, Duration.ofMinutes(2));
      try (RawHttp client = new RawHttp(port)) {
        RawHttp.Response r = client.post("/q" + i, EchoQueries.body("query " + i));
        assertThat(r.status()).as("query %d", i).isEqualTo(200);
      }
      q.stop();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(ServingRegistry.jvm().sizes()).isEqualTo(before));
  }
}
