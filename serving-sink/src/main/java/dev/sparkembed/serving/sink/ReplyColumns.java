package dev.sparkembed.serving.sink;

import dev.sparkembed.serving.conf.ServingErrors;
import dev.sparkembed.serving.server.HttpReply;
import dev.sparkembed.serving.source.RequestRows;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where the sink finds a row's request id and reply: the {@code id} column of the source, and
 * either a {@code reply} struct (any of {@code status}, {@code headers}, {@code body}) or a plain
 * {@code body} column (status 200). Resolved and checked once on the driver; only column positions
 * travel to executors.
 */
final class ReplyColumns implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String REPLY = "reply";
  static final String BODY = "body";

  private final int idIndex;
  private final int replyIndex;
  private final int replyWidth;
  private final int statusIndex;
  private final char statusKind;
  private final int headersIndex;
  private final int bodyIndex;
  private final boolean bodyIsString;

  private ReplyColumns(
      int idIndex,
      int replyIndex,
      int replyWidth,
      int statusIndex,
      char statusKind,
      int headersIndex,
      int bodyIndex,
      boolean bodyIsString) {
    this.idIndex = idIndex;
    this.replyIndex = replyIndex;
    this.replyWidth = replyWidth;
    this.statusIndex = statusIndex;
    this.statusKind = statusKind;
    this.headersIndex = headersIndex;
    this.bodyIndex = bodyIndex;
    this.bodyIsString = bodyIsString;
  }

  /**
   * @throws IllegalArgumentException naming the missing or mistyped column
   */
  static ReplyColumns of(StructType schema) {
    int id = fieldIndex(schema, RequestRows.ID);
    if (id < 0 || !sameIdType(schema.fields()[id].dataType())) {
      throw ServingErrors.invalidSchema(
          "httpserver sink input",
          schema.simpleString(),
          "the 'id' column of the httpserver source, unchanged ("
              + RequestRows.ID_TYPE.simpleString()
              + ")");
    }
    int reply = fieldIndex(schema, REPLY);
    if (reply >= 0) {
      if (!(schema.fields()[reply].dataType() instanceof StructType r)) {
        throw ServingErrors.invalidSchema(
            "column 'reply'",
            schema.fields()[reply].dataType().simpleString(),
            "struct<status: int, headers: map<string,string>, body: string or binary>");
      }
      int status = fieldIndex(r, "status");
      char kind = 'n';
      if (status >= 0) {
        DataType t = r.fields()[status].dataType();
        kind =
            t instanceof IntegerType
                ? 'i'
                : t instanceof LongType ? 'l' : t instanceof ShortType ? 's' : 'x';
        if (kind == 'x') {
          throw ServingErrors.invalidSchema("field 'reply.status'", t.simpleString(), "int");
        }
      }
      int headers = fieldIndex(r, "headers");
      if (headers >= 0
          && !r.fields()[headers]
              .dataType()
              .sameType(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))) {
        throw ServingErrors.invalidSchema(
            "field 'reply.headers'",
            r.fields()[headers].dataType().simpleString(),
            "map<string,string>");
      }
      int body = fieldIndex(r, BODY);
      boolean isString = body >= 0 && checkBody("reply.body", r.fields()[body].dataType());
      if (status < 0 && body < 0) {
        throw ServingErrors.invalidSchema(
            "column 'reply'", r.simpleString(), "a struct with 'status', 'headers' and/or 'body'");
      }
      return new ReplyColumns(id, reply, r.size(), status, kind, headers, body, isString);
    }
    int body = fieldIndex(schema, BODY);
    if (body < 0) {
      throw ServingErrors.invalidSchema(
          "httpserver sink input",
          schema.simpleString(),
          "a 'reply' struct column (status, headers, body) or a 'body' column beside 'id'");
    }
    boolean isString = checkBody("body", schema.fields()[body].dataType());
    return new ReplyColumns(id, -1, 0, -1, 'n', -1, body, isString);
  }

  private static boolean checkBody(String name, DataType t) {
    if (t instanceof StringType) {
      return true;
    }
    if (t instanceof BinaryType) {
      return false;
    }
    throw ServingErrors.invalidSchema(
        "column '" + name + "'", t.simpleString(), "string or binary");
  }

  private static boolean sameIdType(DataType t) {
    if (!(t instanceof StructType s) || s.size() != RequestRows.ID_TYPE.size()) {
      return false;
    }
    for (int i = 0; i < s.size(); i++) {
      StructField a = s.fields()[i];
      StructField b = RequestRows.ID_TYPE.fields()[i];
      if (!a.name().equals(b.name()) || !a.dataType().sameType(b.dataType())) {
        return false;
      }
    }
    return true;
  }

  private static int fieldIndex(StructType schema, String name) {
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().toLowerCase(Locale.ROOT).equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The row's id, its fields read by name; null when the id or one of its fields is null. */
  RequestId requestId(InternalRow row) {
    if (row.isNullAt(idIndex)) {
      return null;
    }
    InternalRow id = row.getStruct(idIndex, RequestRows.ID_TYPE.size());
    if (id.isNullAt(ID_SERVER) || id.isNullAt(ID_QUEUE) || id.isNullAt(ID_REQUEST)) {
      return null;
    }
    return new RequestId(
        id.getUTF8String(ID_SERVER).toString(),
        id.getUTF8String(ID_QUEUE).toString(),
        id.getLong(ID_REQUEST));
  }

  private static final int ID_SERVER = RequestRows.ID_TYPE.fieldIndex(RequestRows.ID_SERVER);
  private static final int ID_QUEUE = RequestRows.ID_TYPE.fieldIndex(RequestRows.ID_QUEUE);
  private static final int ID_REQUEST = RequestRows.ID_TYPE.fieldIndex(RequestRows.ID_REQUEST);

  HttpReply reply(InternalRow row) {
    if (replyIndex < 0) {
      return new HttpReply(200, defaultHeaders(Map.of()), body(row, bodyIndex));
    }
    if (row.isNullAt(replyIndex)) {
      return HttpReply.error(500, "The query wrote a null reply for this request");
    }
    InternalRow r = row.getStruct(replyIndex, replyWidth);
    int status = 200;
    if (statusIndex >= 0 && !r.isNullAt(statusIndex)) {
      status =
          switch (statusKind) {
            case 'l' -> (int) r.getLong(statusIndex);
            case 's' -> r.getShort(statusIndex);
            default -> r.getInt(statusIndex);
          };
    }
    if (status < 100 || status > 999) {
      return HttpReply.error(500, "The query wrote an invalid reply status: " + status);
    }
    Map<String, String> headers = Map.of();
    if (headersIndex >= 0 && !r.isNullAt(headersIndex)) {
      headers = headers(r.getMap(headersIndex));
    }
    return new HttpReply(
        status, defaultHeaders(headers), bodyIndex < 0 ? new byte[0] : body(r, bodyIndex));
  }

  private byte[] body(InternalRow r, int index) {
    if (r.isNullAt(index)) {
      return new byte[0];
    }
    return bodyIsString ? r.getUTF8String(index).getBytes() : r.getBinary(index);
  }

  private Map<String, String> defaultHeaders(Map<String, String> headers) {
    for (String k : headers.keySet()) {
      if (k.equalsIgnoreCase("content-type")) {
        return headers;
      }
    }
    Map<String, String> withType = new HashMap<>(headers);
    withType.put(
        "content-type", bodyIsString ? "text/plain; charset=utf-8" : "application/octet-stream");
    return withType;
  }

  private static Map<String, String> headers(MapData map) {
    ArrayData keys = map.keyArray();
    ArrayData values = map.valueArray();
    Map<String, String> out = new HashMap<>(map.numElements() * 2);
    for (int i = 0; i < map.numElements(); i++) {
      if (!values.isNullAt(i)) {
        out.put(keys.getUTF8String(i).toString(), values.getUTF8String(i).toString());
      }
    }
    return out;
  }

  static boolean isMapOfStrings(DataType t) {
    return t instanceof MapType m
        && m.keyType() instanceof StringType
        && m.valueType() instanceof StringType;
  }
}
