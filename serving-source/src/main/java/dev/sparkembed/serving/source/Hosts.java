package dev.sparkembed.serving.source;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.function.Supplier;
import org.apache.spark.SparkEnv;

/**
 * Where a server of this JVM binds, and the address other JVMs reach it at. Driver and executors
 * build their servers from the same {@code host} option, but in distributed mode they run on
 * different machines: an address that names the driver's interface does not exist on a worker. So a
 * server binds {@code host} where this machine has it (or it is a wildcard or loopback), and
 * otherwise the address Spark itself uses on this machine (the executor's host: the worker's {@code
 * --host} / {@code SPARK_LOCAL_IP}), which is also the one it advertises.
 */
final class Hosts {
  private Hosts() {}

  /** The address to bind for option {@code host} in this JVM. */
  static String bindable(String host) {
    return bindable(host, Hosts::sparkHost);
  }

  /** The address other JVMs should use to reach a server bound for option {@code host}. */
  static String advertised(String host) {
    return advertised(host, Hosts::sparkHost);
  }

  static String bindable(String host, Supplier<String> sparkHost) {
    if (host.equals("*")) {
      return "0.0.0.0";
    }
    if (isWildcard(host) || existsHere(host)) {
      return host;
    }
    String own = sparkHost.get();
    return own != null ? own : host;
  }

  static String advertised(String host, Supplier<String> sparkHost) {
    String bound = bindable(host, sparkHost);
    if (!isWildcard(bound)) {
      return bound;
    }
    String own = sparkHost.get();
    if (own != null) {
      return own;
    }
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (UnknownHostException e) {
      return "127.0.0.1";
    }
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("*");
  }

  /**
   * Whether this machine can bind {@code host}: loopback, or an address of one of its interfaces. A
   * name that does not resolve counts as here, so that the bind reports it.
   */
  private static boolean existsHere(String host) {
    try {
      InetAddress address = InetAddress.getByName(host);
      return address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null;
    } catch (UnknownHostException | SocketException e) {
      return true;
    }
  }

  /** This JVM's host as Spark knows it (the block manager's), or null outside Spark. */
  private static String sparkHost() {
    SparkEnv env = SparkEnv.get();
    if (env != null && env.blockManager() != null && env.blockManager().blockManagerId() != null) {
      return env.blockManager().blockManagerId().host();
    }
    return null;
  }
}
