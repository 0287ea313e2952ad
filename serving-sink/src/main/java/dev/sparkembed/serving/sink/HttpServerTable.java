package dev.sparkembed.serving.sink;

import dev.sparkembed.serving.conf.HttpServerOptions;
import dev.sparkembed.serving.source.HttpScanBuilder;
import dev.sparkembed.serving.source.RequestRows;
import java.util.EnumSet;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** The {@code httpserver} table: read as a stream of requests, written as a stream of replies. */
public final class HttpServerTable implements SupportsRead, SupportsWrite {

  @Override
  public String name() {
    return HttpServerOptions.FORMAT;
  }

  @Override
  public StructType schema() {
    return RequestRows.SCHEMA;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return EnumSet.of(
        TableCapability.MICRO_BATCH_READ,
        TableCapability.CONTINUOUS_READ,
        TableCapability.STREAMING_WRITE);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
    return new HttpScanBuilder(options);
  }

  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    return new HttpWriteBuilder(info);
  }
}
