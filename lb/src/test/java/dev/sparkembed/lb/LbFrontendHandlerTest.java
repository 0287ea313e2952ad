package dev.sparkembed.lb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client-side pipeline ({@link LbServerInitializer}: timeouts, codec, aggregator, {@link
 * LbFrontendHandler}) on an {@link EmbeddedChannel}: the balancer's own endpoints, request order,
 * keep-alive, limits and error replies. Nothing here reaches a backend.
 */
class LbFrontendHandlerTest {

  private BackendPool pool;
  private EmbeddedChannel channel;
  private final List<FullHttpResponse> received = new ArrayList<>();

  @BeforeEach
  void setUp() {
    LbOptions options =
        LbOptions.builder()
            .set(LbOptions.SECRET, "s3cret")
            .set(LbOptions.MAX_BODY, "1k")
            .set(LbOptions.HEADER_TIMEOUT, "5s")
            .build();
    pool = new BackendPool();
    LbMetrics metrics = new LbMetrics();
    ProxyContext context =
        new ProxyContext(
            options,
            pool,
            new BackendConnector(options),
            metrics,
            new AdminEndpoints(pool, metrics, options));
    channel = new EmbeddedChannel(new LbServerInitializer(context));
  }

  @AfterEach
  void tearDown() {
    received.forEach(FullHttpResponse::release);
    channel.finishAndReleaseAll();
  }

  /** Writes raw request bytes and returns every complete response written back. */
  private List<FullHttpResponse> send(String raw) {
    channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
    return drain();
  }

  private List<FullHttpResponse> drain() {
    EmbeddedChannel decoder =
        new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      decoder.writeInbound(out);
    }
    List<FullHttpResponse> responses = new ArrayList<>();
    FullHttpResponse response;
    while ((response = decoder.readInbound()) != null) {
      responses.add(response);
    }
    decoder.finishAndReleaseAll();
    received.addAll(responses);
    return responses;
  }

  private FullHttpResponse one(String raw) {
    List<FullHttpResponse> responses = send(raw);
    assertThat(responses).hasSize(1);
    return responses.get(0);
  }

  private static JsonNode json(FullHttpResponse response) throws Exception {
    return LbErrors.JSON.readTree(response.content().toString(StandardCharsets.UTF_8));
  }

  private static String errorMessage(FullHttpResponse response) throws Exception {
    return json(response).at("/error/message").asText();
  }

  private static String post(String path, String headers, String body) {
    return RawHttpClient.request("POST", path, headers, body);
  }

  @Test
  void healthAnswersOkWithBackendCounts() throws Exception {
    pool.add(new BackendAddress("10.0.0.1", 8889), Backend.Source.STATIC, null);
    FullHttpResponse response = one(RawHttpClient.get("/_lb/health"));

    assertThat(response.status().code()).isEqualTo(200);
    assertThat(json(response).toString()).isEqualTo("{\"status\":\"ok\",\"backends\":1,\"up\":1}");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void registrationChecksTheSecretAndTheBody() throws Exception {
    String body = "{\"host\":\"10.0.0.7\",\"port\":8890,\"executorId\":\"3\"}";

    FullHttpResponse none = one(post("/_lb/register", "", body));
    assertThat(none.status().code()).isEqualTo(403);
    assertThat(errorMessage(none)).isEqualTo("Missing or wrong X-Spark-Embed-Secret header");
    FullHttpResponse wrong = one(post("/_lb/register", "X-Spark-Embed-Secret: s3cre\r\n", body));
    assertThat(wrong.status().code()).isEqualTo(403);
    assertThat(pool.size()).isZero();

    String secret = "X-Spark-Embed-Secret: s3cret\r\n";
    FullHttpResponse ok = one(post("/_lb/register", secret, body));
    assertThat(ok.status().code()).isEqualTo(200);
    assertThat(json(ok).toString())
        .isEqualTo("{\"registered\":\"10.0.0.7:8890\",\"added\":true,\"backends\":1}");
    assertThat(pool.get(new BackendAddress("10.0.0.7", 8890)).label()).isEqualTo("3");

    assertThat(errorMessage(one(post("/_lb/register", secret, "{\"host\":\"h\"}"))))
        .isEqualTo("Invalid field 'port': null (expected 1-65535)");
    assertThat(errorMessage(one(post("/_lb/register", secret, "{\"port\":1}"))))
        .isEqualTo("Invalid field 'host': null (expected a host name or IP address string)");
    FullHttpResponse notJson = one(post("/_lb/register", secret, "{host"));
    assertThat(notJson.status().code()).isEqualTo(400);
    assertThat(errorMessage(notJson)).startsWith("Invalid JSON body: ");

    FullHttpResponse removed = one(post("/_lb/deregister", secret, body));
    assertThat(json(removed).get("removed").asBoolean()).isTrue();
    assertThat(pool.size()).isZero();
  }

  @Test
  void backendsListsStateSourcesAndLoad() throws Exception {
    BackendAddress address = new BackendAddress("10.0.0.1", 8889);
    pool.add(address, Backend.Source.STATIC, null);
    pool.add(address, Backend.Source.DISCOVERED, "1");
    pool.get(address).markDown("connection failed: refused");

    JsonNode entry = json(one(RawHttpClient.get("/_lb/backends"))).get("backends").get(0);
    assertThat(entry.toString())
        .isEqualTo(
            "{\"host\":\"10.0.0.1\",\"port\":8889,\"address\":\"10.0.0.1:8889\","
                + "\"executorId\":\"1\",\"state\":\"down\",\"outstanding\":0,\"requests\":0,"
                + "\"sources\":[\"static\",\"discovered\"],"
                + "\"lastError\":\"connection failed: refused\"}");
  }

  @Test
  void noHealthyBackendGets503WithRetryAfter() throws Exception {
    pool.add(new BackendAddress("10.0.0.1", 8889), Backend.Source.STATIC, null);
    pool.get(new BackendAddress("10.0.0.1", 8889)).markDown("test");

    FullHttpResponse response = one(RawHttpClient.get("/v1/embeddings"));
    assertThat(response.status().code()).isEqualTo(503);
    assertThat(response.headers().get("Retry-After")).isEqualTo("1");
    assertThat(response.headers().get(LbErrors.ERROR_SOURCE_HEADER)).isEqualTo("true");
    assertThat(json(response).toString())
        .isEqualTo(
            "{\"error\":{\"message\":\"No healthy backend: all 1 known backends are down\","
                + "\"type\":\"service_unavailable\",\"code\":503}}");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    List<FullHttpResponse> responses =
        send(
            RawHttpClient.get("/_lb/health")
                + RawHttpClient.get("/_lb/nothing")
                + RawHttpClient.get("/no-backend")
                + RawHttpClient.get("/_lb/backends"));

    assertThat(responses).extracting(r -> r.status().code()).containsExactly(200, 404, 503, 200);
    assertThat(errorMessage(responses.get(1)))
        .isEqualTo("No load balancer endpoint at /_lb/nothing");
  }

  @Test
  void wrongMethodGets405WithAllow() throws Exception {
    FullHttpResponse response = one(RawHttpClient.get("/_lb/register"));
    assertThat(response.status().code()).isEqualTo(405);
    assertThat(response.headers().get("Allow")).isEqualTo("POST");
    assertThat(errorMessage(response))
        .isEqualTo("Method GET is not allowed on /_lb/register (allowed: POST)");
  }

  @Test
  void connectionCloseIsHonoured() {
    FullHttpResponse response =
        one(RawHttpClient.request("GET", "/_lb/health", "Connection: close\r\n", ""));
    assertThat(response.headers().get("Connection")).isEqualTo("close");
    assertThat(channel.isOpen()).isFalse();
  }

  /** After a final 413/408 the connection lingers (discarding input), then closes. */
  private void lingerOver() {
    channel.advanceTimeBy(
        dev.sparkembed.serving.server.LingeringClose.LINGER_MILLIS, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void bodyOverTheLimitGets413AndCloses() throws Exception {
    List<FullHttpResponse> responses =
        send(post("/v1/embeddings", "", "x".repeat(2000)) + RawHttpClient.get("/_lb/health"));

    assertThat(responses).hasSize(1);
    assertThat(responses.get(0).status().code()).isEqualTo(413);
    assertThat(errorMessage(responses.get(0)))
        .isEqualTo("Request body is larger than the load balancer's limit of 1024 bytes");
    lingerOver();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void expectContinueOverTheLimitGets413WithoutTheBody() throws Exception {
    FullHttpResponse response =
        one(
            "POST /v1/embeddings HTTP/1.1\r\nHost: lb\r\nExpect: 100-continue\r\n"
                + "Content-Length: 5000\r\n\r\n");
    assertThat(response.status().code()).isEqualTo(413);
    assertThat(errorMessage(response))
        .isEqualTo("Request body is larger than the load balancer's limit of 1024 bytes");
  }

  @Test
  void malformedRequestGets400AndCloses() throws Exception {
    FullHttpResponse response =
        one("GET /x HTTP/1.1\r\nHost: lb\r\nX-Big: " + "y".repeat(20_000) + "\r\n\r\n");
    assertThat(response.status().code()).isEqualTo(400);
    assertThat(errorMessage(response)).startsWith("Malformed HTTP request: HTTP header is larger");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void requestNotCompletedInTimeGets408() throws Exception {
    assertThat(send("GET /_lb/health HTTP/1.1\r\nHost: lb\r\n")).isEmpty();

    channel.advanceTimeBy(6, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();

    List<FullHttpResponse> responses = drain();
    assertThat(responses).hasSize(1);
    assertThat(responses.get(0).status().code()).isEqualTo(408);
    assertThat(errorMessage(responses.get(0)))
        .isEqualTo("The request was not received completely within 5000 ms");
    lingerOver();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void completeRequestsDoNotTimeOut() {
    assertThat(one(RawHttpClient.get("/_lb/health")).status().code()).isEqualTo(200);
    channel.advanceTimeBy(6, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(drain()).isEmpty();
    assertThat(channel.isOpen()).isTrue();
  }
}
