package dev.sparkembed.serviceit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/spark-embed example echo --mode distributed --master 'local-cluster[2,1,1024]'}: the
 * launcher itself (not a copy of its classpath) gives Spark's in-process workers what they need to
 * start executor JVMs, without Spark's test variables; both executors serve.
 */
class LocalClusterLauncherIT {
  private static final String SECRET = "local-cluster-launcher-it-secret";
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void localClusterFromTheLauncherStartsTwoExecutorServers() throws Exception {
    Path home = Path.of(System.getProperty("spark.embed.home", "..")).toAbsolutePath().normalize();
    int port = ServiceProcess.freePort();
    Path log = home.resolve("service-it/target/service-it/local-cluster-echo.log");
    Files.createDirectories(log.getParent());
    ProcessBuilder pb =
        new ProcessBuilder(
                home.resolve("bin/spark-embed").toString(),
                "example",
                "echo",
                "--port",
                Integer.toString(port),
                "--mode",
                "distributed",
                "--master",
                "local-cluster[2,1,1024]")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // What a user's shell would not have: no Spark home, no test variables.
    pb.environment().keySet().removeIf(k -> k.startsWith("SPARK_"));
    pb.environment().put("SPARK_EMBED_NO_BUILD", "1");
    pb.environment().put("SPARK_EMBED_SECRET", SECRET);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("JAVA_OPTS", "-Xmx1g -Dspark.ui.enabled=false");
    Process process = pb.start();
    try {
      JsonNode servers =
          await("two executor servers listed by the driver (log: " + log + ")")
              .atMost(Duration.ofMinutes(3))
              .pollInterval(Duration.ofMillis(500))
              .failFast("the launcher exited; see " + log, () -> !process.isAlive())
              .ignoreExceptions()
              .until(() -> serverList(port), s -> s.path("servers").size() == 2);
      Set<String> executors = new HashSet<>();
      List<Integer> lengths = new ArrayList<>();
      for (JsonNode s : servers.path("servers")) {
        executors.add(s.path("executorId").asText());
        String text = "x".repeat(3 + lengths.size());
        HttpResponse<String> reply =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + s.path("port").asInt() + "/echo"))
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"" + text + "\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).isEqualTo(200);
        lengths.add(Http.JSON.readTree(reply.body()).path("length").asInt());
      }
      assertThat(executors).hasSize(2);
      assertThat(lengths).containsExactly(3, 4);
    } finally {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    assertThat(Files.readString(log, StandardCharsets.UTF_8))
        .doesNotContain("Cannot find any build directories");
  }

  private JsonNode serverList(int port) throws IOException, InterruptedException {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_spark-embed/servers"))
                .header("X-Spark-Embed-Secret", SECRET)
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return Http.JSON.readTree(r.body());
  }
}
