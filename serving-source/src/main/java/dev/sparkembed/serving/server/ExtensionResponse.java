package dev.sparkembed.serving.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where an extension's answer to one {@link ExtensionRequest} goes. Any thread may answer, once;
 * the write happens on the connection's event loop, in the connection's response order.
 */
public final class ExtensionResponse {
  private final ResponseSlot slot;

  ExtensionResponse(ResponseSlot slot) {
    this.slot = slot;
  }

  /** Answers with a reply held in memory. */
  public void send(HttpReply reply) {
    slot.send(reply);
  }

  /**
   * Answers with the concatenation of {@code files}, streamed from disk in chunks as the client
   * reads them: the server never holds them in memory.
   */
  public void sendFiles(int status, Map<String, String> headers, List<Path> files) {
    slot.sendFiles(status, headers, files);
  }
}
