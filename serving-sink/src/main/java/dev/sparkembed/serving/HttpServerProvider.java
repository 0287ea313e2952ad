package dev.sparkembed.serving;

import dev.sparkembed.serving.conf.HttpServerOptions;
import dev.sparkembed.serving.sink.HttpServerTable;
import dev.sparkembed.serving.source.RequestRows;
import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The {@code httpserver} format, for both {@code readStream()} (one row per HTTP request) and
 * {@code writeStream()} (one reply per row). Registered through {@code META-INF/services}. Driver.
 */
public final class HttpServerProvider implements TableProvider, DataSourceRegister {

  @Override
  public String shortName() {
    return HttpServerOptions.FORMAT;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return RequestRows.SCHEMA;
  }

  @Override
  public Table getTable(
      StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new HttpServerTable();
  }
}
