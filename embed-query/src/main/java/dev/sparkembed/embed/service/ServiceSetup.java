package dev.sparkembed.embed.service;

import java.nio.file.Path;

/**
 * How one embedding service is set up beyond its {@link ServiceConf}: the server extension its
 * servers run (the controller adds the jobs API to the service's own), and the query's checkpoint
 * folder. Driver only.
 *
 * @param extension the extension class; created by each server through its no-argument constructor
 * @param checkpoint a folder the caller keeps (a restart with the same folder resumes), or null for
 *     a temporary one that the service removes when it stops
 */
public record ServiceSetup(Class<? extends ServiceServerExtension> extension, Path checkpoint) {

  public static ServiceSetup defaults() {
    return new ServiceSetup(ServiceServerExtension.class, null);
  }

  public ServiceSetup withCheckpoint(Path dir) {
    return new ServiceSetup(extension, dir);
  }
}
