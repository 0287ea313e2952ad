package dev.sparkembed.serving.source;

import dev.sparkembed.serving.conf.HttpSourceConf;
import dev.sparkembed.serving.server.ServingServers;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Head mode: one server and one queue in the driver's JVM. Driver. */
final class HeadPlacement implements ServerPlacement {
  private final HttpSourceConf conf;
  private final LocalQueueHandle handle;

  HeadPlacement(HttpSourceConf conf, int lanes) {
    this.conf = conf;
    String token = "h" + QueueSpecs.randomHex(8);
    ServingServers.Registration reg =
        ServingServers.register(QueueSpecs.spec(conf, token, 1, true, null, lanes));
    this.handle = new LocalQueueHandle(reg, "driver");
  }

  @Override
  public Collection<QueueHandle> queues() {
    return List.of(handle);
  }

  @Override
  public QueueHandle queue(String token) {
    return handle.token().equals(token) ? handle : null;
  }

  @Override
  public Map<String, Long> awaitLatest(HttpOffset after, long waitMs) {
    long last = handle.queue().awaitAfter(after.position(handle.token()), waitMs);
    return Map.of(handle.token(), last);
  }

  @Override
  public void useLanes(int lanes) {
    handle.queue().useLanes(lanes);
  }

  @Override
  public String secret() {
    return conf.secret();
  }

  @Override
  public void stop(String reason) {
    handle.close(reason);
  }

  /** The bound address ({@code host:port}); the real port when the option asked for 0. */
  String address() {
    return handle.address();
  }
}
