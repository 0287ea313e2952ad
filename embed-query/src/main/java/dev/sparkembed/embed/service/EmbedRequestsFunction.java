package dev.sparkembed.embed.service;

import dev.sparkembed.embed.engine.Embedder;
import dev.sparkembed.embed.engine.EmbeddingWorkPool;
import dev.sparkembed.embed.engine.ExecutorModels;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.serving.HttpServing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The service's work on executors: turns request rows of the {@code httpserver} source into reply
 * rows for its sink. In micro-batch mode a partition's requests are all read first and their texts
 * embedded in ONE model call ({@link RequestBatchEmbedder}); in continuous mode the partition never
 * ends, so requests are answered as they are read: the next one (waiting for it), together with
 * those the reader has already handed over behind it ({@link HttpServing#moreRequestsReady}), in
 * one model call; nothing ever waits for a row that may not come. The model is this JVM's shared
 * one ({@link ExecutorModels}); a call of many texts is spread over the executor's cores by its
 * {@link EmbeddingWorkPool}, shared by all the JVM's tasks. Serialises small: the model spec, the
 * limits and the key's digest.
 */
public final class EmbedRequestsFunction implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** Continuous: the most requests answered by one model call. */
  static final int MAX_GATHERED_REQUESTS = 64;

  /** The sink's input: the source's {@code id} and a {@code reply} struct. */
  public static StructType replySchema(StructType idType) {
    return new StructType()
        .add("id", idType, false)
        .add(
            "reply",
            new StructType()
                .add("status", DataTypes.IntegerType, false)
                .add(
                    "headers",
                    DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true),
                    false)
                .add("body", DataTypes.BinaryType, false),
            false);
  }

  private final ModelSpec spec;
  private final ServiceLimits limits;
  private final ApiKeyCheck apiKey;
  private final boolean perRow;
  private final int poolWorkers;

  /**
   * @param perRow continuous trigger: answer requests as they are read, those already queued
   *     together, instead of reading the whole partition first
   * @param poolWorkers worker threads of the executor's {@link EmbeddingWorkPool} (its cores; 0:
   *     every core of the executor's JVM), or -1 to embed each call on the task's own thread
   */
  public EmbedRequestsFunction(
      ModelSpec spec, ServiceLimits limits, ApiKeyCheck apiKey, boolean perRow, int poolWorkers) {
    this.spec = spec;
    this.limits = limits;
    this.apiKey = apiKey;
    this.perRow = perRow;
    this.poolWorkers = poolWorkers;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (perRow) {
      return new Iterator<>() {
        private Iterator<Row> answered = Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          if (answered.hasNext()) {
            return true;
          }
          if (!rows.hasNext()) {
            return false;
          }
          answered = answer(gatherQueued(rows)).iterator();
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return answered.next();
        }
      };
    }
    List<Row> all = new ArrayList<>();
    rows.forEachRemaining(all::add);
    return all.isEmpty() ? Collections.emptyIterator() : answer(all).iterator();
  }

  /**
   * Continuous: the next row (waiting for it) and every row the reader already handed over after
   * it, up to {@link #MAX_GATHERED_REQUESTS}; never waits for a request that has not arrived.
   */
  private static List<Row> gatherQueued(Iterator<Row> rows) {
    List<Row> group = new ArrayList<>();
    Row row = rows.next();
    group.add(row);
    while (group.size() < MAX_GATHERED_REQUESTS
        && HttpServing.moreRequestsReady(row.getStruct(0))
        && rows.hasNext()) {
      row = rows.next();
      group.add(row);
    }
    return group;
  }

  private List<Row> answer(List<Row> rows) {
    List<ServiceRequest> requests = new ArrayList<>(rows.size());
    for (Row row : rows) {
      Row r = row.getStruct(1);
      Map<String, String> headers = r.isNullAt(3) ? Map.of() : r.getJavaMap(3);
      requests.add(new ServiceRequest(r.getString(0), r.getString(1), headers, (byte[]) r.get(4)));
    }
    List<ServiceReply> replies;
    long start = System.nanoTime();
    try {
      Embedder embedder =
          poolWorkers < 0 ? ExecutorModels.get(spec) : EmbeddingWorkPool.get(spec, poolWorkers);
      long loadNanos = System.nanoTime() - start;
      TextEmbedder model = new EngineTextEmbedder(embedder);
      ServiceState.modelLoaded(model.model());
      replies =
          new RequestBatchEmbedder(model, limits, apiKey, ServiceMetrics.jvm())
              .answer(requests, loadNanos);
    } catch (RuntimeException e) {
      // The model did not load: every request of the batch learns why, in its own format.
      replies = new ArrayList<>(requests.size());
      for (ServiceRequest request : requests) {
        replies.add(RequestBatchEmbedder.failure(request.path(), e));
      }
    }
    List<Row> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      ServiceReply reply = replies.get(i);
      // Rows hold Scala maps: the row encoder refuses a java.util.Map.
      scala.collection.Map<String, String> headers =
          scala.collection.immutable.Map$.MODULE$
              .<String, String>empty()
              .updated("content-type", reply.contentType());
      out.add(
          RowFactory.create(
              rows.get(i).getStruct(0), RowFactory.create(reply.status(), headers, reply.body())));
    }
    return out;
  }
}
