package dev.sparkembed.embed.jobs;

import dev.sparkembed.embed.service.ServiceConf;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * Everything the controller starts with, all chosen by whoever starts it, none by a request.
 *
 * @param service the embedding service; its host and port are the controller's public ones
 * @param adminKey the key {@code /jobs} needs, or null (then {@code /jobs} answers only when the
 *     controller listens on loopback)
 * @param connections the databases jobs may name
 * @param dataDir the folder file jobs read and write
 * @param resultsRoot where pull jobs keep their results
 * @param checkpoint the service query's checkpoint folder, or null for a temporary one
 * @param sourceOptions deployment options of the service's source (its {@code secret})
 */
public record ControllerConf(
    ServiceConf service,
    String adminKey,
    JobConnections connections,
    Path dataDir,
    Path resultsRoot,
    Path checkpoint,
    java.util.Map<String, String> sourceOptions) {

  /** Whether the controller listens on a loopback address only. */
  public boolean loopbackOnly() {
    try {
      return InetAddress.getByName(service.host()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
