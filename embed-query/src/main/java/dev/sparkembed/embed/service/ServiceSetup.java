package dev.sparkembed.embed.service;

import java.nio.file.Path;
import java.util.Map;

/**
 * How one embedding service is set up beyond its {@link ServiceConf}: the server extension its
 * servers run (the controller adds the jobs API to the service's own), and the query's checkpoint
 * folder. Driver only.
 *
 * @param extension the extension class; created by each server through its no-argument constructor
 * @param checkpoint a folder the caller keeps (a restart with the same folder resumes), or null for
 *     a temporary one that the service removes when it stops
 * @param sourceOptions deployment options of the {@code httpserver} source ({@code secret}, {@code
 *     lb})
 */
public record ServiceSetup(
    Class<? extends ServiceServerExtension> extension,
    Path checkpoint,
    Map<String, String> sourceOptions) {

  public ServiceSetup(Class<? extends ServiceServerExtension> extension, Path checkpoint) {
    this(extension, checkpoint, Map.of());
  }

  public static ServiceSetup defaults() {
    return new ServiceSetup(ServiceServerExtension.class, null);
  }

  public ServiceSetup withCheckpoint(Path dir) {
    return new ServiceSetup(extension, dir, sourceOptions);
  }

  /**
   * With more source options for the deployment (the query's {@code secret}, the {@code lb} its
   * executors' servers attach to); they win over the service's own.
   */
  public ServiceSetup withSourceOptions(Map<String, String> options) {
    return new ServiceSetup(extension, checkpoint, Map.copyOf(options));
  }

  /** Leaves the options' values (a secret) out. */
  @Override
  public String toString() {
    return "ServiceSetup[" + extension.getSimpleName() + ", " + sourceOptions.keySet() + "]";
  }
}
