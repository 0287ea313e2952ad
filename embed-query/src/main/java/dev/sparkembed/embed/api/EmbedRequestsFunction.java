package dev.sparkembed.embed.api;

import dev.sparkembed.embed.engine.Embedder;
import dev.sparkembed.embed.engine.ExecutorModels;
import dev.sparkembed.embed.engine.ModelSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The service's work on executors: turns request rows of the {@code httpserver} source into reply
 * rows for its sink. In micro-batch mode a partition's requests are all read first and their texts
 * embedded in ONE model call ({@link RequestBatchEmbedder}); in continuous mode each request is
 * answered as soon as it is read (the partition never ends, so nothing may wait for the next row).
 * The model is this JVM's shared one ({@link ExecutorModels}). Serialises small: the model spec,
 * the limits and the key's digest.
 */
public final class EmbedRequestsFunction implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

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

  /**
   * @param perRow answer each request as it is read (continuous trigger) instead of reading the
   *     whole partition first
   */
  public EmbedRequestsFunction(
      ModelSpec spec, ServiceLimits limits, ApiKeyCheck apiKey, boolean perRow) {
    this.spec = spec;
    this.limits = limits;
    this.apiKey = apiKey;
    this.perRow = perRow;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (perRow) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          return answer(List.of(rows.next())).get(0);
        }
      };
    }
    List<Row> all = new ArrayList<>();
    rows.forEachRemaining(all::add);
    return all.isEmpty() ? Collections.emptyIterator() : answer(all).iterator();
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
      Embedder embedder = ExecutorModels.get(spec);
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
