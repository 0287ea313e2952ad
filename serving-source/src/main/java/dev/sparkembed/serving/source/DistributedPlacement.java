package dev.sparkembed.serving.source;

import dev.sparkembed.serving.conf.HttpSourceConf;
import dev.sparkembed.serving.server.LbAttachments;
import dev.sparkembed.serving.server.ServerDirectory;
import dev.sparkembed.serving.server.ServingRegistry;
import dev.sparkembed.serving.server.ServingServers;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.status.api.v1.ExecutorSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/**
 * Distributed mode: a server in every executor JVM. On start, and whenever executors join, a small
 * Spark job with one task per new executor (each preferring it) starts that executor's server;
 * executors that leave are dropped. The live list is published as JSON (log line, {@code GET
 * /_spark-embed/servers} on the driver's server, {@link #servers}). With a local master the driver
 * is the only executor and serves itself. Driver.
 */
final class DistributedPlacement implements ServerPlacement, ServerDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(DistributedPlacement.class);
  private static final long REFRESH_MS = 500;
  private static final long FIRST_EXECUTOR_WAIT_MS = 60_000;

  /** The driver's distributed placements by path; an entry goes when its query stops. */
  private static final ServingRegistry.Table<String, DistributedPlacement> BY_PATH =
      new ServingRegistry.Table<>("distributed placements by path");

  private final HttpSourceConf conf;
  private final int lanes;
  private final String runToken = "d" + QueueSpecs.randomHex(6);
  private final SparkContext sc;
  private final boolean local;
  private final ServingServers.Registration driverRegistration;
  private final ConcurrentHashMap<String, QueueHandle> servers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ServerInfo> infos = new ConcurrentHashMap<>();
  private final Object wake = new Object();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile String published = "";

  private DistributedPlacement(HttpSourceConf conf, int lanes) {
    this.conf = conf;
    this.lanes = lanes;
    this.sc = SparkSession.active().sparkContext();
    this.local = sc.isLocal();
    this.driverRegistration =
        ServingServers.register(
            QueueSpecs.spec(
                conf,
                runToken + (local ? "-driver" : "-control"),
                1,
                local,
                this,
                local ? lanes : 0));
    if (local) {
      ServerInfo me =
          new ServerInfo(
              driverRegistration.host(),
              driverRegistration.port(),
              "driver",
              driverRegistration.token(),
              ProcessHandle.current().pid());
      servers.put("driver", new LocalQueueHandle(driverRegistration, "driver"));
      infos.put("driver", me);
      if (conf.lb() != null) {
        LbAttachments.attach(
            driverRegistration, conf.lb(), conf.secret(), "driver", conf.requestReadTimeoutMs());
      }
    }
    this.thread = new Thread(this::loop, "spark-embed-placement" + conf.path());
    thread.setDaemon(true);
  }

  static DistributedPlacement start(HttpSourceConf conf, int lanes) {
    DistributedPlacement p = new DistributedPlacement(conf, lanes);
    ServingRegistry.jvm().put(BY_PATH, conf.path(), p);
    if (!p.local) {
      p.awaitFirstExecutors();
      p.refresh();
      p.thread.start();
    }
    p.publish();
    return p;
  }

  /** The live servers of the distributed query serving {@code path} in this driver. */
  static List<ServerInfo> servers(String path) {
    DistributedPlacement p = ServingRegistry.jvm().get(BY_PATH, path);
    return p == null ? List.of() : p.serverList();
  }

  /** The internal-endpoint secret of the distributed query serving {@code path}, or null. */
  static String secret(String path) {
    DistributedPlacement p = ServingRegistry.jvm().get(BY_PATH, path);
    return p == null ? null : p.secret();
  }

  private List<ServerInfo> serverList() {
    return new ArrayList<>(new TreeMap<>(infos).values());
  }

  @Override
  public String serversJson() {
    StringBuilder b = new StringBuilder("{\"servers\":[");
    List<ServerInfo> list = serverList();
    for (int i = 0; i < list.size(); i++) {
      b.append(i == 0 ? "" : ",").append(list.get(i).json());
    }
    return b.append("]}").toString();
  }

  @Override
  public boolean redirectsRequests() {
    return !local;
  }

  private void awaitFirstExecutors() {
    long deadline = System.currentTimeMillis() + FIRST_EXECUTOR_WAIT_MS;
    while (liveExecutors().isEmpty() && System.currentTimeMillis() < deadline && running) {
      synchronized (wake) {
        try {
          wake.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void loop() {
    while (running) {
      synchronized (wake) {
        try {
          wake.wait(REFRESH_MS);
        } catch (InterruptedException e) {
          return;
        }
      }
      if (!running) {
        return;
      }
      try {
        refresh();
      } catch (RuntimeException e) {
        LOG.warn("Could not update the servers of {}: {}", conf.path(), e.toString());
      }
    }
  }

  /** Executor id to host of the live executors (never the driver). */
  private Map<String, String> liveExecutors() {
    Map<String, String> live = new TreeMap<>();
    for (ExecutorSummary e :
        JavaConverters.seqAsJavaListConverter(sc.statusStore().executorList(true)).asJava()) {
      if (!e.id().equals("driver") && e.isActive()) {
        String hp = e.hostPort();
        int colon = hp.lastIndexOf(':');
        live.put(e.id(), colon > 0 ? hp.substring(0, colon) : hp);
      }
    }
    return live;
  }

  private void refresh() {
    Map<String, String> live = liveExecutors();
    boolean changed = false;
    for (String id : new ArrayList<>(servers.keySet())) {
      if (!live.containsKey(id)) {
        servers.remove(id);
        infos.remove(id);
        LOG.info("Executor {} left: its server is no longer served for {}", id, conf.path());
        changed = true;
      }
    }
    Map<String, String> missing = new TreeMap<>(live);
    missing.keySet().removeAll(servers.keySet());
    if (!missing.isEmpty() && running) {
      for (ServerInfo info : ServerLaunchJob.run(sc, conf, runToken, lanes, missing)) {
        if (live.containsKey(info.executorId()) && !servers.containsKey(info.executorId())) {
          servers.put(info.executorId(), new RemoteQueueHandle(info, conf.secret()));
          infos.put(info.executorId(), info);
          changed = true;
        }
      }
    }
    if (changed) {
      publish();
    }
  }

  private void publish() {
    String json = serversJson();
    if (!json.equals(published)) {
      published = json;
      LOG.info("Servers of {}: {}", conf.path(), json);
    }
  }

  @Override
  public Collection<QueueHandle> queues() {
    return new ArrayList<>(new TreeMap<>(servers).values());
  }

  @Override
  public QueueHandle queue(String token) {
    for (QueueHandle q : servers.values()) {
      if (q.token().equals(token)) {
        return q;
      }
    }
    return null;
  }

  @Override
  public Map<String, Long> awaitLatest(HttpOffset after, long waitMs) {
    Collection<QueueHandle> all = queues();
    Map<String, Long> out = new HashMap<>();
    List<RemoteQueueHandle> remote = new ArrayList<>();
    for (QueueHandle q : all) {
      if (q instanceof LocalQueueHandle l) {
        out.put(q.token(), l.queue().awaitAfter(after.position(q.token()), waitMs));
      } else {
        remote.add((RemoteQueueHandle) q);
      }
    }
    if (remote.isEmpty()) {
      return out;
    }
    // First look without waiting; only when nothing is new, wait for the first arrival anywhere.
    if (!RemoteQueuePolls.anyNew(remote, after, 0, 2_000)
        && !Thread.currentThread().isInterrupted()) {
      RemoteQueuePolls.anyNew(remote, after, waitMs, waitMs + 2_000);
    }
    for (RemoteQueueHandle r : remote) {
      out.put(r.token(), Math.max(after.position(r.token()), r.lastSeq()));
    }
    return out;
  }

  @Override
  public void useLanes(int n) {
    // Lanes are fixed when each server starts.
  }

  @Override
  public String secret() {
    return conf.secret();
  }

  @Override
  public void stop(String reason) {
    running = false;
    synchronized (wake) {
      wake.notifyAll();
    }
    ServingRegistry.jvm().remove(BY_PATH, conf.path(), this);
    for (QueueHandle q : servers.values()) {
      if (q instanceof RemoteQueueHandle) {
        q.close(reason);
      }
    }
    ServingServers.unregister(driverRegistration.token(), reason);
    servers.clear();
    infos.clear();
  }
}
