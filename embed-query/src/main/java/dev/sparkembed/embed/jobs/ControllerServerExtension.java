package dev.sparkembed.embed.jobs;

import dev.sparkembed.embed.service.ServiceServerExtension;
import dev.sparkembed.serving.server.ExtensionRequest;
import dev.sparkembed.serving.server.ExtensionResponse;
import dev.sparkembed.serving.server.HttpReply;
import java.util.HashSet;
import java.util.Set;

/**
 * The controller's server: the embedding service's endpoints plus the jobs API, on the service's
 * own Netty server (one port, one HTTP stack: limits, timeouts and keys as for every endpoint). The
 * server creates this through its no-argument constructor in the driver's JVM, where the {@link
 * Controller} has published its {@link JobsApi}. Event loop: never blocks.
 */
public final class ControllerServerExtension extends ServiceServerExtension {
  private static volatile JobsApi api;

  /** Created by the server through reflection. */
  public ControllerServerExtension() {}

  /** The jobs API the servers of this JVM answer with (null while no controller runs). */
  static void publish(JobsApi jobsApi) {
    api = jobsApi;
  }

  @Override
  public Set<String> handledPaths() {
    return new HashSet<>(JobsApi.PATHS);
  }

  @Override
  public int handledBodyLimit() {
    return JobsApi.MAX_SPEC_BYTES;
  }

  @Override
  public void handle(ExtensionRequest request, ExtensionResponse response) {
    JobsApi current = api;
    if (current == null) {
      response.send(
          new HttpReply(
              503,
              java.util.Map.of("content-type", HttpReply.JSON, "retry-after", "1"),
              JobsApi.error(503, "The jobs API is not running").body()));
      return;
    }
    current.handle(request, response);
  }
}
