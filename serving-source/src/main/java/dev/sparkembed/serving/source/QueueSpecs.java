package dev.sparkembed.serving.source;

import dev.sparkembed.serving.conf.HttpSourceConf;
import dev.sparkembed.serving.server.ServerDirectory;
import dev.sparkembed.serving.server.ServingServers;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/** Builds server registrations and random names for a query's queues. Driver and executors. */
final class QueueSpecs {
  private static final SecureRandom RANDOM = new SecureRandom();

  private QueueSpecs() {}

  static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static ServingServers.Spec spec(
      HttpSourceConf conf,
      String token,
      int portsToTry,
      boolean servesRequests,
      ServerDirectory directory,
      int lanes) {
    return new ServingServers.Spec(
        Hosts.bindable(conf.host()),
        Hosts.advertised(conf.host()),
        conf.port(),
        portsToTry,
        conf.paths(),
        token,
        conf.secret(),
        conf.maxQueuedRequests(),
        conf.requestTimeoutMs(),
        conf.maxBodyBytes(),
        Set.copyOf(conf.methods()),
        servesRequests,
        directory,
        lanes,
        conf.extension() == null
            ? null
            : new ServingServers.ExtensionSpec(conf.extension(), conf.extensionOptions()),
        conf.tlsCert() == null ? null : new ServingServers.TlsFiles(conf.tlsCert(), conf.tlsKey()),
        conf.requestReadTimeoutMs());
  }
}
