package dev.sparkembed.serving.source;

import dev.sparkembed.serving.server.PendingRequest;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The row schema of the {@code httpserver} source, and the conversion of a request into a row.
 *
 * <pre>
 * id:      struct&lt;server: string, queue: string, requestId: bigint&gt;   (opaque: pass it through)
 * request: struct&lt;method: string, path: string, query: string,
 *                 headers: map&lt;string,string&gt;, body: binary&gt;
 * </pre>
 *
 * Header names are lower case; repeated headers are joined with ", ". Executors and driver.
 */
public final class RequestRows {
  public static final String ID = "id";
  public static final String REQUEST = "request";

  /** The id's fields: the server holding the connection, its queue, the request's number. */
  public static final String ID_SERVER = "server";

  public static final String ID_QUEUE = "queue";
  public static final String ID_REQUEST = "requestId";

  public static final StructType ID_TYPE =
      new StructType()
          .add(ID_SERVER, DataTypes.StringType, false)
          .add(ID_QUEUE, DataTypes.StringType, false)
          .add(ID_REQUEST, DataTypes.LongType, false);

  public static final StructType REQUEST_TYPE =
      new StructType()
          .add("method", DataTypes.StringType, false)
          .add("path", DataTypes.StringType, false)
          .add("query", DataTypes.StringType, true)
          .add(
              "headers",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true),
              false)
          .add("body", DataTypes.BinaryType, false);

  public static final StructType SCHEMA =
      new StructType().add(ID, ID_TYPE, false).add(REQUEST, REQUEST_TYPE, false);

  private RequestRows() {}

  /** One row for one request; {@code server} is the origin's {@code host:port}. */
  public static InternalRow toRow(
      UTF8String server, UTF8String queue, long seq, PendingRequest.RequestData d) {
    GenericInternalRow id = new GenericInternalRow(new Object[] {server, queue, seq});
    GenericInternalRow request =
        new GenericInternalRow(
            new Object[] {
              UTF8String.fromString(d.method()),
              UTF8String.fromString(d.path()),
              d.query() == null ? null : UTF8String.fromString(d.query()),
              headers(d.headers()),
              d.body() == null ? new byte[0] : d.body()
            });
    return new GenericInternalRow(new Object[] {id, request});
  }

  private static ArrayBasedMapData headers(Map<String, String> headers) {
    Object[] keys = new Object[headers.size()];
    Object[] values = new Object[headers.size()];
    int i = 0;
    for (Map.Entry<String, String> h : headers.entrySet()) {
      keys[i] = UTF8String.fromString(h.getKey());
      values[i] = UTF8String.fromString(h.getValue());
      i++;
    }
    return new ArrayBasedMapData(new GenericArrayData(keys), new GenericArrayData(values));
  }
}
