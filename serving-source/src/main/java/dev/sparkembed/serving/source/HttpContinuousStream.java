package dev.sparkembed.serving.source;

import dev.sparkembed.serving.conf.HttpSourceConf;
import dev.sparkembed.serving.server.ServingRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.ContinuousStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The continuous read stream: one long-running reader per lane of every server's queue; each
 * request becomes a row the moment it arrives. Duties (Spark's {@code ContinuousStream}): offsets
 * are per lane ({@code token#lane}: last request taken); {@link #commit} runs once an epoch is
 * committed and lets the servers forget its requests, answering 500 to those the query wrote no
 * reply for; {@link #needsReconfiguration} asks Spark to re-plan when the set of servers changed
 * (an executor joined or left). Driver.
 */
final class HttpContinuousStream implements ContinuousStream {
  private static final Logger LOG = LoggerFactory.getLogger(HttpContinuousStream.class);

  private final HttpSourceConf conf;
  private final ServerPlacement placement;
  private final int lanes;
  private volatile String queryId;
  private final ServingRegistry.SourceHandle handle;
  private volatile Set<String> planned = Set.of();

  HttpContinuousStream(HttpSourceConf conf, ServerPlacement placement, int lanes) {
    this.conf = conf;
    this.placement = placement;
    this.lanes = lanes;
    this.handle =
        new ServingRegistry.SourceHandle() {
          @Override
          public void finishBatch(long epochId) {
            // Continuous epochs finish in commit(), which Spark calls right after the sink's.
          }

          @Override
          public String secret() {
            return placement.secret();
          }
        };
    this.queryId = DriverQueries.currentQueryId();
    DriverQueries.register(queryId, handle);
    LOG.info(
        "httpserver continuous source of query {} serves {} with {} reader(s) per server",
        queryId,
        conf.path(),
        lanes);
  }

  @Override
  public Offset initialOffset() {
    return HttpOffset.empty();
  }

  @Override
  public Offset deserializeOffset(String json) {
    return HttpOffset.fromJson(json);
  }

  @Override
  public InputPartition[] planInputPartitions(Offset start) {
    if (queryId == null) {
      // Continuous queries create their stream before the query thread names the query.
      queryId = DriverQueries.currentQueryId();
      DriverQueries.register(queryId, handle);
    }
    HttpOffset from = (HttpOffset) start;
    List<InputPartition> parts = new ArrayList<>();
    Set<String> tokens = new TreeSet<>();
    for (QueueHandle q : placement.queues()) {
      tokens.add(q.token());
      for (int lane = 0; lane < lanes; lane++) {
        parts.add(
            new HttpContinuousInputPartition(
                q.address(),
                q.token(),
                placement.secret(),
                lane,
                from.position(HttpPartitionOffset.key(q.token(), lane)),
                q.preferredLocation()));
      }
    }
    planned = tokens;
    return parts.toArray(new InputPartition[0]);
  }

  @Override
  public boolean needsReconfiguration() {
    Set<String> now = new TreeSet<>();
    placement.queues().forEach(q -> now.add(q.token()));
    return !now.equals(planned);
  }

  @Override
  public ContinuousPartitionReaderFactory createContinuousReaderFactory() {
    return new HttpContinuousReaderFactory();
  }

  @Override
  public Offset mergeOffsets(PartitionOffset[] offsets) {
    Map<String, Long> merged = new HashMap<>();
    for (PartitionOffset o : offsets) {
      HttpPartitionOffset p = (HttpPartitionOffset) o;
      merged.merge(p.key(), p.seq(), Math::max);
    }
    return new HttpOffset(merged);
  }

  @Override
  public void commit(Offset end) {
    for (Map.Entry<String, Long> e : ((HttpOffset) end).positions().entrySet()) {
      int hash = e.getKey().lastIndexOf('#');
      if (hash < 0) {
        continue;
      }
      QueueHandle q = placement.queue(e.getKey().substring(0, hash));
      if (q != null) {
        q.commitLane(
            Integer.parseInt(e.getKey().substring(hash + 1)),
            e.getValue(),
            HttpMicroBatchStream.UNANSWERED);
      }
    }
  }

  @Override
  public void stop() {
    DriverQueries.unregister(queryId, handle);
    placement.stop(HttpMicroBatchStream.STOPPED);
  }

  @Override
  public String toString() {
    return "HttpContinuousStream[" + conf.path() + ", " + conf.mode().optionValue() + "]";
  }
}
