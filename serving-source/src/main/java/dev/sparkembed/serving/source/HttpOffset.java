package dev.sparkembed.serving.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkembed.serving.conf.ServingErrors;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.connector.read.streaming.Offset;

/**
 * A position in every request queue of a query: queue token to the number of the last request
 * included. JSON with a version field, keys sorted so equal offsets have equal JSON (Spark compares
 * offsets by their JSON). Continuous offsets use one key per lane, {@code token#lane}. Driver.
 */
public final class HttpOffset extends Offset {
  static final int VERSION = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final SortedMap<String, Long> positions;

  public HttpOffset(Map<String, Long> positions) {
    this.positions = Collections.unmodifiableSortedMap(new TreeMap<>(positions));
  }

  static HttpOffset empty() {
    return new HttpOffset(Map.of());
  }

  public SortedMap<String, Long> positions() {
    return positions;
  }

  /** The position of a queue (or lane key), 0 when this offset does not name it. */
  public long position(String key) {
    return positions.getOrDefault(key, 0L);
  }

  @Override
  public String json() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("version", VERSION);
    ObjectNode queues = root.putObject("queues");
    positions.forEach(queues::put);
    return root.toString();
  }

  /**
   * Reads an offset written by {@link #json()}.
   *
   * @throws IllegalArgumentException naming the bad JSON
   */
  public static HttpOffset fromJson(String json) {
    try {
      JsonNode root = MAPPER.readTree(json);
      if (root == null
          || root.path("version").asInt(-1) != VERSION
          || !root.path("queues").isObject()) {
        throw ServingErrors.unsupportedOffset(json);
      }
      TreeMap<String, Long> positions = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = root.path("queues").fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (!f.getValue().canConvertToLong() || f.getValue().asLong() < 0) {
          throw ServingErrors.unsupportedOffset(json);
        }
        positions.put(f.getKey(), f.getValue().asLong());
      }
      return new HttpOffset(positions);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ServingErrors.unsupportedOffset(json);
    }
  }
}
