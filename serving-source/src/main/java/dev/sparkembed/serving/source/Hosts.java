package dev.sparkembed.serving.source;

import org.apache.spark.SparkEnv;

/** The address other JVMs use to reach a server of this JVM. Driver and executors. */
final class Hosts {
  private Hosts() {}

  /** {@code bindHost}, or this JVM's Spark host name when binding every interface. */
  static String advertised(String bindHost) {
    if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::") && !bindHost.equals("*")) {
      return bindHost;
    }
    SparkEnv env = SparkEnv.get();
    if (env != null && env.blockManager() != null && env.blockManager().blockManagerId() != null) {
      return env.blockManager().blockManagerId().host();
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return "127.0.0.1";
    }
  }

  /** Binding every interface is spelled 0.0.0.0 for Netty. */
  static String bindable(String bindHost) {
    return bindHost.equals("*") ? "0.0.0.0" : bindHost;
  }
}
