package dev.sparkembed.serving.source;

import dev.sparkembed.serving.conf.HttpSourceConf;
import dev.sparkembed.serving.server.ServingRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.ReadMaxRows;
import org.apache.spark.sql.connector.read.streaming.ReportsSourceMetrics;
import org.apache.spark.sql.connector.read.streaming.SupportsAdmissionControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The micro-batch read stream: each batch reads the requests that arrived since the last one.
 *
 * <p>Duties (Spark's {@code MicroBatchStream} contract): {@link #latestOffset} runs on the query's
 * driver thread and returns the start offset itself when no request waits, so no empty batch runs;
 * when the server is idle it waits up to {@link #IDLE_WAIT_MS} for a request, so one arriving then
 * starts a batch at once instead of after Spark's polling delay. {@link #planInputPartitions} is
 * deterministic for a given range, so a replayed batch reads the same requests (or nothing, when
 * they are gone with an earlier run). {@link #commit} lets the servers forget a batch's requests.
 * Driver.
 */
public final class HttpMicroBatchStream
    implements MicroBatchStream, SupportsAdmissionControl, ReportsSourceMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(HttpMicroBatchStream.class);

  /** How long {@link #latestOffset} waits for a request when none is waiting. */
  static final long IDLE_WAIT_MS = 500;

  /** Why waiting clients get 503 when the query ends (Spark stops sources on failure too). */
  static final String STOPPED = "the query stopped or failed; not serving";

  static final String UNANSWERED =
      "The query wrote no reply for this request (its row was filtered out or dropped)";

  private final HttpSourceConf conf;
  private final ServerPlacement placement;
  private final int partitionsPerQueue;
  private final ServingRegistry.SourceHandle handle;
  private final String queryId;
  private volatile HttpOffset lastPlanned = HttpOffset.empty();
  private long rotation;

  HttpMicroBatchStream(HttpSourceConf conf, ServerPlacement placement, int defaultParallelism) {
    this.conf = conf;
    this.placement = placement;
    this.partitionsPerQueue =
        conf.numPartitions() > 0 ? conf.numPartitions() : Math.max(1, defaultParallelism);
    this.handle =
        new ServingRegistry.SourceHandle() {
          @Override
          public void finishBatch(long epochId) {
            HttpMicroBatchStream.this.finishBatch(epochId);
          }

          @Override
          public String secret() {
            return placement.secret();
          }
        };
    // Spark creates the stream on the query's own thread, which names the query.
    this.queryId = DriverQueries.currentQueryId();
    DriverQueries.register(queryId, handle);
    LOG.info("httpserver source of query {} serves {}", queryId, conf.path());
  }

  @Override
  public Offset initialOffset() {
    Map<String, Long> zero = new HashMap<>();
    placement.queues().forEach(q -> zero.put(q.token(), 0L));
    return new HttpOffset(zero);
  }

  @Override
  public Offset deserializeOffset(String json) {
    return HttpOffset.fromJson(json);
  }

  @Override
  public Offset latestOffset() {
    throw new UnsupportedOperationException(
        "latestOffset(Offset, ReadLimit) is used: the httpserver source supports admission control");
  }

  @Override
  public ReadLimit getDefaultReadLimit() {
    return ReadLimit.maxRows(conf.maxRequestsPerBatch());
  }

  @Override
  public Offset latestOffset(Offset startOffset, ReadLimit limit) {
    HttpOffset start = startOffset == null ? HttpOffset.empty() : (HttpOffset) startOffset;
    Map<String, Long> latest = placement.awaitLatest(start, IDLE_WAIT_MS);
    long budget = limit instanceof ReadMaxRows m ? m.maxRows() : Long.MAX_VALUE;
    Map<String, Long> end = new LinkedHashMap<>();
    boolean anyNew = false;
    // Start with a different queue each time, so a limited budget is shared fairly.
    List<Map.Entry<String, Long>> order = new ArrayList<>(latest.entrySet());
    if (!order.isEmpty()) {
      java.util.Collections.rotate(order, (int) (rotation++ % order.size()));
    }
    for (Map.Entry<String, Long> q : order) {
      long from = start.position(q.getKey());
      long to = Math.max(from, Math.min(q.getValue(), from + budget));
      budget -= to - from;
      anyNew |= to > from;
      end.put(q.getKey(), to);
    }
    // Same offset as the start: Spark sees no new data and runs no batch.
    return anyNew ? new HttpOffset(end) : startOffset;
  }

  @Override
  public InputPartition[] planInputPartitions(Offset startOffset, Offset endOffset) {
    HttpOffset start = (HttpOffset) startOffset;
    HttpOffset end = (HttpOffset) endOffset;
    List<InputPartition> parts = new ArrayList<>();
    for (Map.Entry<String, Long> e : end.positions().entrySet()) {
      QueueHandle q = placement.queue(e.getKey());
      long from = start.position(e.getKey());
      long to = e.getValue();
      if (q == null || to <= from) {
        continue; // a queue of an earlier run of the query: its requests are gone
      }
      int n = (int) Math.min(partitionsPerQueue, to - from);
      long size = (to - from + n - 1) / n;
      for (long lo = from; lo < to; lo += size) {
        parts.add(
            new HttpInputPartition(
                q.address(),
                q.token(),
                placement.secret(),
                lo,
                Math.min(to, lo + size),
                q.preferredLocation()));
      }
    }
    lastPlanned = end;
    return parts.toArray(new InputPartition[0]);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new HttpPartitionReaderFactory();
  }

  /** Called by the sink's commit: the batch's unanswered requests get 500 now. */
  private void finishBatch(long batchId) {
    HttpOffset planned = lastPlanned;
    for (Map.Entry<String, Long> e : planned.positions().entrySet()) {
      QueueHandle q = placement.queue(e.getKey());
      if (q != null) {
        q.finishUpTo(e.getValue(), UNANSWERED + " in batch " + batchId);
      }
    }
  }

  @Override
  public void commit(Offset end) {
    for (Map.Entry<String, Long> e : ((HttpOffset) end).positions().entrySet()) {
      QueueHandle q = placement.queue(e.getKey());
      if (q != null) {
        q.commitUpTo(e.getValue(), UNANSWERED);
      }
    }
  }

  @Override
  public void stop() {
    DriverQueries.unregister(queryId, handle);
    placement.stop(STOPPED);
  }

  @Override
  public Map<String, String> metrics(Optional<Offset> latestConsumedOffset) {
    return SourceMetrics.of(placement);
  }

  @Override
  public String toString() {
    return "HttpMicroBatchStream[" + conf.path() + ", " + conf.mode().optionValue() + "]";
  }
}
