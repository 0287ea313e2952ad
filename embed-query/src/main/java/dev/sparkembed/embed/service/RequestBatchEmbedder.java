package dev.sparkembed.embed.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a batch of embedding requests (one partition of a micro-batch, or what a continuous
 * reader has) with ONE model call: every request is checked and parsed by its own wire format, the
 * texts of all valid requests are embedded together, and each request gets exactly its own vectors
 * in its own order. A bad request gets its own error and costs the others nothing. Runs on
 * executors, inside the service's partition function.
 */
public final class RequestBatchEmbedder {
  private static final Logger LOG = LoggerFactory.getLogger(RequestBatchEmbedder.class);
  private static final Embeddings NONE = new Embeddings(new float[0][], new int[0], new boolean[0]);

  private final TextEmbedder embedder;
  private final ServiceLimits limits;
  private final ApiKeyCheck apiKey;
  private final ServiceMetrics metrics;

  public RequestBatchEmbedder(
      TextEmbedder embedder, ServiceLimits limits, ApiKeyCheck apiKey, ServiceMetrics metrics) {
    this.embedder = embedder;
    this.limits = limits;
    this.apiKey = apiKey;
    this.metrics = metrics;
  }

  /**
   * The replies, one per request and in the requests' order.
   *
   * @param loadNanos how long getting the model took for this batch (its load time if this batch
   *     loaded it), reported as Ollama's {@code load_duration}
   */
  public List<ServiceReply> answer(List<ServiceRequest> requests, long loadNanos) {
    long start = System.nanoTime();
    ModelInfo model = embedder.model();
    int n = requests.size();
    ServiceReply[] replies = new ServiceReply[n];
    EmbedRequest[] parsed = new EmbedRequest[n];
    int[] offsets = new int[n];
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ServiceRequest request = requests.get(i);
      ApiFormat format = ApiFormat.forPath(request.path());
      if (format == null) {
        replies[i] = error(ApiFormat.OPENAI, ApiErrors.notFound(request.method(), request.path()));
      } else if (!apiKey.permits(request)) {
        replies[i] = error(format, ApiErrors.unauthorized());
      } else {
        try {
          parsed[i] = format.wireFormat().parse(format, request.body(), model, limits);
          offsets[i] = texts.size();
          texts.addAll(parsed[i].texts());
        } catch (ApiException e) {
          LOG.debug("Refused a request to {}: {}", request.path(), e.getMessage());
          replies[i] = error(format, e);
        }
      }
    }

    Embeddings all = NONE;
    RuntimeException failure = null;
    if (!texts.isEmpty()) {
      long callStart = System.nanoTime();
      try {
        all = embedder.embed(texts);
        long wall = System.nanoTime() - callStart;
        metrics.recordModelCall(
            texts.size(), all.totalTokens(), embedder.lastCallEngineNanos(wall));
      } catch (RuntimeException e) {
        LOG.warn("Embedding {} texts failed: {}", texts.size(), e.toString(), e);
        failure = e;
      }
    }

    for (int i = 0; i < n; i++) {
      EmbedRequest request = parsed[i];
      if (request == null) {
        continue;
      }
      ApiWireFormat wire = request.format().wireFormat();
      if (failure != null) {
        replies[i] = error(request.format(), ApiErrors.embeddingFailed(failure));
        continue;
      }
      Embeddings mine =
          request.texts().isEmpty() ? NONE : all.slice(offsets[i], request.texts().size());
      int cut = request.truncate() ? -1 : firstTruncated(mine.truncated());
      if (cut >= 0) {
        replies[i] =
            error(
                request.format(), ApiErrors.contextLengthExceeded(cut, model.maxSequenceLength()));
        continue;
      }
      ApiWireFormat.Timing timing =
          new ApiWireFormat.Timing(System.nanoTime() - start + loadNanos, loadNanos);
      replies[i] =
          new ServiceReply(
              200,
              ServiceReply.JSON,
              wire.encode(request, mine, model, timing),
              mine.size(),
              mine.totalTokens());
    }
    return Arrays.asList(replies);
  }

  /** The answer for a request whose batch could not run at all (the model did not load). */
  static ServiceReply failure(String path, RuntimeException cause) {
    ApiFormat format = ApiFormat.forPath(path);
    return error(format == null ? ApiFormat.OPENAI : format, ApiErrors.embeddingFailed(cause));
  }

  private static int firstTruncated(boolean[] truncated) {
    for (int i = 0; i < truncated.length; i++) {
      if (truncated[i]) {
        return i;
      }
    }
    return -1;
  }

  private static ServiceReply error(ApiFormat format, ApiException e) {
    return ServiceReply.json(e.status(), format.wireFormat().encodeError(e));
  }
}
