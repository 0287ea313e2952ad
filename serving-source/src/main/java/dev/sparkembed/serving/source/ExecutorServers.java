package dev.sparkembed.serving.source;

import dev.sparkembed.serving.conf.HttpSourceConf;
import dev.sparkembed.serving.server.LbAttachments;
import dev.sparkembed.serving.server.ServingRegistry;
import dev.sparkembed.serving.server.ServingServers;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.Function;

/**
 * Distributed mode, executor side: the server (and queue) of each running query in this JVM,
 * started on first use by {@link Launch} tasks and found again by later ones. Ports are tried from
 * the query's {@code port} upward, so executors sharing a host each get their own. Executor.
 */
final class ExecutorServers {
  /** How many ports above {@code port} an executor tries. */
  static final int PORTS_TO_TRY = 100;

  /** This JVM's server of each query run; an entry goes when its queue is unregistered. */
  static final ServingRegistry.Table<String, ServerInfo> BY_RUN =
      new ServingRegistry.Table<>("executor servers by query run");

  private ExecutorServers() {}

  /** This JVM's server for the query run {@code runToken}, started if needed. */
  static synchronized ServerInfo ensure(HttpSourceConf conf, String runToken, int lanes) {
    ServerInfo known = ServingRegistry.jvm().get(BY_RUN, runToken);
    if (known != null && ServingServers.queue(known.token()) != null) {
      return known;
    }
    String executorId = SparkEnv.get().executorId();
    String token = runToken + "-" + executorId;
    ServingServers.Registration reg =
        ServingServers.register(QueueSpecs.spec(conf, token, PORTS_TO_TRY, true, null, lanes));
    ServerInfo info =
        new ServerInfo(reg.host(), reg.port(), executorId, token, ProcessHandle.current().pid());
    if (conf.lb() != null) {
      LbAttachments.attach(reg, conf.lb(), conf.secret(), executorId, conf.requestReadTimeoutMs());
    }
    ServingRegistry.jvm().put(BY_RUN, runToken, info);
    ServingServers.onUnregister(token, () -> ServingRegistry.jvm().remove(BY_RUN, runToken, info));
    return info;
  }

  /** The task that starts (or finds) the server of its executor; small and serializable. */
  static final class Launch implements Function<Integer, ServerInfo> {
    private static final long serialVersionUID = 1L;
    private final HttpSourceConf conf;
    private final String runToken;
    private final int lanes;

    Launch(HttpSourceConf conf, String runToken, int lanes) {
      this.conf = conf;
      this.runToken = runToken;
      this.lanes = lanes;
    }

    @Override
    public ServerInfo call(Integer ignored) {
      return ensure(conf, runToken, lanes);
    }
  }
}
