package dev.sparkembed.serving.source;

import dev.sparkembed.serving.conf.HttpSourceConf;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** Builds the {@link HttpScan}; the options are parsed (and checked) here, once. Driver. */
public final class HttpScanBuilder implements ScanBuilder {
  private final HttpSourceConf conf;

  public HttpScanBuilder(CaseInsensitiveStringMap options) {
    this.conf = HttpSourceConf.parse(options);
  }

  @Override
  public Scan build() {
    return new HttpScan(conf);
  }
}
