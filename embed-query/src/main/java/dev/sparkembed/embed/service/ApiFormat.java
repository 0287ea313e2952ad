package dev.sparkembed.embed.service;

import java.util.regex.Pattern;

/**
 * The embedding endpoints and the wire format each speaks, chosen by the request path. Used on the
 * driver (to configure the server's paths) and on executors (to parse each request).
 */
public enum ApiFormat {
  /** {@code POST /v1/embeddings}: OpenAI. */
  OPENAI("/v1/embeddings", new OpenAiWireFormat()),
  /** {@code POST /openai/deployments/{deployment}/embeddings?api-version=...}: Azure OpenAI. */
  AZURE_OPENAI("/openai/deployments/{deployment}/embeddings", new OpenAiWireFormat()),
  /** {@code POST /api/embed}: Ollama. */
  OLLAMA_EMBED("/api/embed", new OllamaWireFormat()),
  /** {@code POST /api/embeddings}: Ollama's older single-prompt endpoint. */
  OLLAMA_EMBEDDINGS("/api/embeddings", new OllamaLegacyWireFormat()),
  /** {@code POST /v1/embed/batch}: rows of {@code {id, text}} for T-SQL and other batch callers. */
  BATCH("/v1/embed/batch", new BatchWireFormat());

  private static final Pattern AZURE_PATH = Pattern.compile("/openai/deployments/[^/]+/embeddings");

  private final String path;
  private final ApiWireFormat wireFormat;

  ApiFormat(String path, ApiWireFormat wireFormat) {
    this.path = path;
    this.wireFormat = wireFormat;
  }

  /** The path, with {@code {deployment}} standing for any one path segment. */
  public String path() {
    return path;
  }

  public ApiWireFormat wireFormat() {
    return wireFormat;
  }

  /** The format for a request path (query string excluded), or {@code null} if none. */
  public static ApiFormat forPath(String path) {
    switch (path) {
      case "/v1/embeddings":
        return OPENAI;
      case "/api/embed":
        return OLLAMA_EMBED;
      case "/api/embeddings":
        return OLLAMA_EMBEDDINGS;
      case "/v1/embed/batch":
        return BATCH;
      default:
        return AZURE_PATH.matcher(path).matches() ? AZURE_OPENAI : null;
    }
  }
}
