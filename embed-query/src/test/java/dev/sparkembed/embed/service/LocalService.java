package dev.sparkembed.embed.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkembed.embed.engine.DeviceChoice;
import dev.sparkembed.embed.engine.ModelSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.SparkSession;

/**
 * Test fixture: the embedding service in head mode on {@code local[2]} with the built-in model on
 * the CPU, on a free loopback port, plus the HTTP calls the service tests make against it.
 */
final class LocalService implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final SparkSession spark;
  private final EmbeddingService service;
  final URI base;

  private LocalService(SparkSession spark, EmbeddingService service, URI base) {
    this.spark = spark;
    this.service = service;
    this.base = base;
  }

  /** Starts a session named {@code appName} and the service on it; returns once it serves. */
  static LocalService start(String appName, boolean continuous) throws IOException {
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName(appName)
            .config("spark.ui.enabled", "false")
            .config("spark.sql.streaming.pollingDelay", "1ms")
            .getOrCreate();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ServiceConf conf =
        new ServiceConf(
            "127.0.0.1",
            port,
            "head",
            continuous,
            "local[2]",
            ModelSpec.defaults().withDevice(DeviceChoice.CPU),
            null,
            null,
            null,
            ServiceLimits.defaults(),
            1000,
            Duration.ofSeconds(120),
            100,
            0,
            Map.of());
    try {
      return new LocalService(
          spark, EmbeddingService.start(spark, conf), URI.create("http://127.0.0.1:" + port));
    } catch (RuntimeException e) {
      spark.stop();
      throw e;
    }
  }

  /** POSTs a JSON body to {@code /v1/embeddings}. */
  CompletableFuture<HttpResponse<String>> postEmbeddings(String json) {
    return HTTP.sendAsync(
        HttpRequest.newBuilder(base.resolve("/v1/embeddings"))
            .timeout(Duration.ofSeconds(120))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** One unlabelled value of the service's Prometheus metrics. */
  double metric(String name) throws IOException, InterruptedException {
    String text =
        HTTP.send(
                HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("No metric " + name + " in:\n" + text);
  }

  /** A JSON array of numbers as floats. */
  static float[] floats(JsonNode array) {
    float[] v = new float[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) array.get(i).asDouble();
    }
    return v;
  }

  @Override
  public void close() {
    try {
      service.close();
    } finally {
      spark.stop();
    }
  }
}
