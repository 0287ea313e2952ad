package dev.sparkembed.serving.source;

import java.util.List;

/**
 * The driver's published list of live executor servers per distributed query (by API path), for
 * load balancers and tools in the driver's JVM. Driver.
 */
public final class PublishedServers {
  private PublishedServers() {}

  /** The live servers of the distributed query serving {@code path}; empty if none. */
  public static List<ServerInfo> servers(String path) {
    return DistributedPlacement.servers(path);
  }

  /** {@code {"servers":[{"host":...,"port":...,"executorId":...}]}} for {@code path}. */
  public static String json(String path) {
    StringBuilder b = new StringBuilder("{\"servers\":[");
    List<ServerInfo> list = servers(path);
    for (int i = 0; i < list.size(); i++) {
      b.append(i == 0 ? "" : ",").append(list.get(i).json());
    }
    return b.append("]}").toString();
  }

  /** The internal-endpoint secret of the distributed query serving {@code path}, or null. */
  public static String secret(String path) {
    return DistributedPlacement.secret(path);
  }
}
