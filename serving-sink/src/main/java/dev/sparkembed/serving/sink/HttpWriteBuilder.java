package dev.sparkembed.serving.sink;

import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;

/**
 * Checks the sink's options and input columns once, at query start, and builds the {@link
 * HttpStreamingWrite}. Driver.
 */
final class HttpWriteBuilder implements WriteBuilder {
  private final LogicalWriteInfo info;

  HttpWriteBuilder(LogicalWriteInfo info) {
    this.info = info;
  }

  @Override
  public Write build() {
    HttpSinkConf conf = HttpSinkConf.parse(info.options());
    ReplyColumns columns = ReplyColumns.of(info.schema());
    return new Write() {
      @Override
      public String description() {
        return "httpserver[replyTo=" + conf.replyTo() + "]";
      }

      @Override
      public StreamingWrite toStreaming() {
        return new HttpStreamingWrite(info.queryId(), conf.replyTo(), columns, conf.secret());
      }
    };
  }
}
