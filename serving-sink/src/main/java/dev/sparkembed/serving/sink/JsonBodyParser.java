package dev.sparkembed.serving.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkembed.serving.conf.ServingErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The UDF behind {@code HttpServing.parseJson}: a JSON request body to a row of the given schema,
 * or the reason it could not be, as {@code struct<value: schema, error: string>}. A bad body never
 * throws (its client gets 400 with the reason). Strict on types: a number where a string is
 * declared is an error, not a silent conversion. Executor (one shared thread-safe mapper).
 */
public final class JsonBodyParser implements UDF1<byte[], Row> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final StructType schema;

  public JsonBodyParser(StructType schema) {
    check(schema, "");
    this.schema = schema;
  }

  /** {@code struct<value: schema, error: string>}. */
  public static StructType resultType(StructType schema) {
    return new StructType().add("value", schema, true).add("error", DataTypes.StringType, true);
  }

  @Override
  public Row call(byte[] body) {
    if (body == null || body.length == 0) {
      return RowFactory.create(null, "Invalid JSON body: the body is empty");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      return RowFactory.create(null, "Invalid JSON body: " + e.getOriginalMessage() + where);
    } catch (java.io.IOException e) {
      return RowFactory.create(null, "Invalid JSON body: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      return RowFactory.create(
          null, "Invalid JSON body: expected a JSON object, got " + kind(root));
    }
    try {
      return RowFactory.create(struct(root, schema, ""), null);
    } catch (BadField e) {
      return RowFactory.create(null, "Invalid JSON body: " + e.getMessage());
    }
  }

  private static Row struct(JsonNode node, StructType type, String prefix) {
    Object[] values = new Object[type.size()];
    StructField[] fields = type.fields();
    for (int i = 0; i < fields.length; i++) {
      String name = prefix + fields[i].name();
      JsonNode v = node.get(fields[i].name());
      if (v == null || v.isNull()) {
        if (!fields[i].nullable()) {
          throw new BadField("missing field '" + name + "'");
        }
        continue;
      }
      values[i] = value(v, fields[i].dataType(), name);
    }
    return RowFactory.create(values);
  }

  private static Object value(JsonNode v, DataType t, String name) {
    if (t instanceof StringType) {
      require(v.isTextual(), name, "a string", v);
      return v.textValue();
    }
    if (t instanceof IntegerType) {
      require(v.isIntegralNumber() && v.canConvertToInt(), name, "an integer", v);
      return v.intValue();
    }
    if (t instanceof LongType) {
      require(v.isIntegralNumber() && v.canConvertToLong(), name, "an integer", v);
      return v.longValue();
    }
    if (t instanceof ShortType) {
      require(
          v.isIntegralNumber() && Math.abs(v.longValue()) <= Short.MAX_VALUE,
          name,
          "an integer",
          v);
      return (short) v.intValue();
    }
    if (t instanceof ByteType) {
      require(
          v.isIntegralNumber() && Math.abs(v.longValue()) <= Byte.MAX_VALUE, name, "an integer", v);
      return (byte) v.intValue();
    }
    if (t instanceof DoubleType) {
      require(v.isNumber(), name, "a number", v);
      return v.doubleValue();
    }
    if (t instanceof FloatType) {
      require(v.isNumber(), name, "a number", v);
      return v.floatValue();
    }
    if (t instanceof BooleanType) {
      require(v.isBoolean(), name, "true or false", v);
      return v.booleanValue();
    }
    if (t instanceof ArrayType a) {
      require(v.isArray(), name, "an array", v);
      List<Object> out = new ArrayList<>(v.size());
      for (int i = 0; i < v.size(); i++) {
        JsonNode e = v.get(i);
        if (e.isNull()) {
          if (!a.containsNull()) {
            throw new BadField("null element in '" + name + "'");
          }
          out.add(null);
        } else {
          out.add(value(e, a.elementType(), name + "[" + i + "]"));
        }
      }
      return out;
    }
    if (t instanceof MapType m) {
      require(v.isObject(), name, "an object", v);
      Map<String, Object> out = new HashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = v.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        out.put(
            e.getKey(),
            e.getValue().isNull()
                ? null
                : value(e.getValue(), m.valueType(), name + "." + e.getKey()));
      }
      return out;
    }
    StructType s = (StructType) t;
    require(v.isObject(), name, "an object", v);
    return struct(v, s, name + ".");
  }

  private static void require(boolean ok, String name, String expected, JsonNode v) {
    if (!ok) {
      throw new BadField("field '" + name + "' must be " + expected + ", got " + kind(v));
    }
  }

  private static String kind(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "nothing";
    }
    return switch (v.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static void check(DataType t, String name) {
    if (t instanceof StructType s) {
      for (StructField f : s.fields()) {
        check(f.dataType(), name.isEmpty() ? f.name() : name + "." + f.name());
      }
    } else if (t instanceof ArrayType a) {
      check(a.elementType(), name);
    } else if (t instanceof MapType m) {
      if (!(m.keyType() instanceof StringType)) {
        throw ServingErrors.invalidSchema(
            "JSON body schema field '" + name + "'", t.simpleString(), "maps with string keys");
      }
      check(m.valueType(), name);
    } else if (!(t instanceof StringType
        || t instanceof IntegerType
        || t instanceof LongType
        || t instanceof ShortType
        || t instanceof ByteType
        || t instanceof DoubleType
        || t instanceof FloatType
        || t instanceof BooleanType)) {
      throw ServingErrors.invalidSchema(
          "JSON body schema field '" + name + "'",
          t.simpleString(),
          "string, numbers, boolean, array, map or struct");
    }
  }

  /** A field of the body does not fit the schema; cheap (no stack trace). */
  private static final class BadField extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadField(String message) {
      super(message, null, false, false);
    }
  }
}
