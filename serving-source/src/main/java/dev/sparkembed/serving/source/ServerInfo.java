package dev.sparkembed.serving.source;

import java.io.Serializable;

/**
 * One live server of a distributed query: its address, the executor whose JVM runs it, its queue
 * token and the JVM's process id. Reported by an executor, kept and published by the driver.
 */
public record ServerInfo(String host, int port, String executorId, String token, long pid)
    implements Serializable {

  /** {@code host:port}. */
  public String address() {
    return host + ":" + port;
  }

  /** Spark's task location string that prefers this server's executor. */
  public String taskLocation() {
    return "executor_" + host + "_" + executorId;
  }

  /** {@code {"host":...,"port":...,"executorId":...}}, the published form. */
  String json() {
    return "{\"host\":"
        + dev.sparkembed.serving.server.JsonQuoting.quote(host)
        + ",\"port\":"
        + port
        + ",\"executorId\":"
        + dev.sparkembed.serving.server.JsonQuoting.quote(executorId)
        + "}";
  }
}
