package dev.sparkembed.serving;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import dev.sparkembed.serving.conf.HttpServerOptions;
import dev.sparkembed.serving.server.HttpReply;
import dev.sparkembed.serving.sink.JsonBodyParser;
import dev.sparkembed.serving.source.PublishedServers;
import dev.sparkembed.serving.source.RequestRows;
import dev.sparkembed.serving.source.ServerInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Public helpers for Spark Serving queries. Here: the request and reply helpers, from Java (static
 * methods) and SQL ({@link #registerFunctions}, {@link #registerJsonParser}): turn a JSON request
 * body into typed columns, and build replies. A body that is not valid JSON for the schema never
 * fails the query: {@link #replyJson} answers its client 400 with the reason. All of them are Spark
 * column expressions, so they run per partition inside Spark's generated code (the JSON parser is
 * one shared Jackson mapper per executor JVM). Running a serving query (writer settings, waiting
 * until it serves, continuous read-ahead) is {@link ServingQueries}' job and the distributed
 * servers' directory is {@link PublishedServers}'; the methods here of the same names delegate, for
 * one entry point.
 */
public final class HttpServing {
  /** The format name of the source and the sink. */
  public static final String FORMAT = HttpServerOptions.FORMAT;

  /** Schema of the source's rows: {@code id}, {@code request}. */
  public static final StructType REQUEST_SCHEMA = RequestRows.SCHEMA;

  /**
   * The reply column type: {@code struct<status: int, headers: map<string,string>, body: string>}.
   */
  public static final StructType REPLY_TYPE =
      new StructType()
          .add("status", DataTypes.IntegerType, false)
          .add(
              "headers",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true),
              false)
          .add("body", DataTypes.StringType, true);

  /** Column added by {@link #parseJson}: the body as a struct of the schema (null when bad). */
  public static final String JSON = "json";

  /** Column added by {@link #parseJson}: why the body could not be parsed (null when fine). */
  public static final String ERROR = "error";

  /** Column that the sink reads the reply from. */
  public static final String REPLY = "reply";

  private HttpServing() {}

  /**
   * The requests with two more columns: {@value #JSON} (the body parsed into {@code schema}) and
   * {@value #ERROR} (null, or the reason the body is not valid JSON for the schema).
   */
  public static Dataset<Row> parseJson(Dataset<Row> requests, StructType schema) {
    // Two projections, not a chain of withColumn: every micro-batch plans this again, and the
    // parser runs once per row (the second projection only picks fields).
    String tmp = "__spark_embed_parsed";
    List<Column> kept = new ArrayList<>();
    for (String c : requests.columns()) {
      if (!c.equals(JSON) && !c.equals(ERROR)) {
        kept.add(col("`" + c + "`"));
      }
    }
    List<Column> withParsed = new ArrayList<>(kept);
    withParsed.add(parseJsonColumn(col(RequestRows.REQUEST + ".body"), schema).as(tmp));
    List<Column> out = new ArrayList<>(kept);
    out.add(col(tmp + ".value").as(JSON));
    out.add(col(tmp + ".error").as(ERROR));
    return requests.select(withParsed.toArray(new Column[0])).select(out.toArray(new Column[0]));
  }

  /** {@code struct<value: schema, error: string>} parsed from a binary or string JSON column. */
  public static Column parseJsonColumn(Column body, StructType schema) {
    return udf(new JsonBodyParser(schema), JsonBodyParser.resultType(schema))
        .apply(body.cast(DataTypes.BinaryType));
  }

  /** A 200 reply whose body is {@code value} (a struct, map or array) as JSON. */
  public static Column jsonReply(Column value) {
    return jsonReply(lit(200), value);
  }

  /** A reply with {@code status} whose body is {@code value} as JSON. */
  public static Column jsonReply(Column status, Column value) {
    return struct(
        status.cast(DataTypes.IntegerType).as("status"),
        map(lit("content-type"), lit(HttpReply.JSON)).as("headers"),
        to_json(value).as("body"));
  }

  /** A reply {@code {"error": message}} with {@code status}. */
  public static Column errorReply(Column status, Column message) {
    return jsonReply(status, struct(message.as("error")));
  }

  /**
   * The sink's input for parsed requests: {@code id} and {@code reply}, where the reply is {@code
   * value} as JSON (200), or 400 with the reason for rows whose body was bad.
   */
  public static Dataset<Row> replyJson(Dataset<Row> parsed, Column value) {
    return parsed.select(
        col(RequestRows.ID),
        when(col(ERROR).isNull(), jsonReply(value))
            .otherwise(errorReply(lit(400), col(ERROR)))
            .as(REPLY));
  }

  /**
   * Registers SQL functions: {@code http_reply(status, jsonString)} and {@code
   * http_error_reply(status, message)}, both returning a {@code reply} struct.
   */
  public static void registerFunctions(SparkSession spark) {
    spark
        .udf()
        .register(
            "http_reply",
            (UDF2<Integer, String, Row>)
                (status, body) ->
                    RowFactory.create(status == null ? 200 : status, jsonHeaders(), body),
            REPLY_TYPE);
    spark
        .udf()
        .register(
            "http_error_reply",
            (UDF2<Integer, String, Row>)
                (status, message) ->
                    RowFactory.create(
                        status == null ? 500 : status,
                        jsonHeaders(),
                        new String(
                            HttpReply.error(500, message == null ? "" : message).body(),
                            StandardCharsets.UTF_8)),
            REPLY_TYPE);
  }

  /**
   * Registers a SQL function {@code name(body)} returning {@code struct<value: schema, error:
   * string>}, the SQL form of {@link #parseJson}.
   */
  public static void registerJsonParser(SparkSession spark, String name, StructType schema) {
    spark.udf().register(name, new JsonBodyParser(schema), JsonBodyParser.resultType(schema));
  }

  /** See {@link ServingQueries#lowLatency}. */
  public static <T> DataStreamWriter<T> lowLatency(DataStreamWriter<T> writer, boolean continuous) {
    return ServingQueries.lowLatency(writer, continuous);
  }

  /** See {@link ServingQueries#moreRequestsReady}. */
  public static boolean moreRequestsReady(Row id) {
    return ServingQueries.moreRequestsReady(id);
  }

  /** See {@link ServingQueries#awaitServing}. */
  public static void awaitServing(StreamingQuery query, Duration timeout) {
    ServingQueries.awaitServing(query, timeout);
  }

  /**
   * Distributed mode: the live executor servers of the query serving {@code path} in this driver
   * (empty when none). Also logged at INFO on every change, and served as JSON at {@code GET
   * /_spark-embed/servers} on the driver's server (with the secret).
   */
  public static List<ServerInfo> servers(String path) {
    return PublishedServers.servers(path);
  }

  /** {@link #servers} as {@code {"servers":[{"host":...,"port":...,"executorId":...}]}}. */
  public static String serversJson(String path) {
    return PublishedServers.json(path);
  }

  /**
   * The secret for the internal endpoints of the distributed query serving {@code path} (the {@code
   * secret} option, or the random one it got), or null; for a load balancer in this JVM.
   */
  public static String internalSecret(String path) {
    return PublishedServers.secret(path);
  }

  private static Map<String, String> jsonHeaders() {
    return Map.of("content-type", HttpReply.JSON);
  }
}
