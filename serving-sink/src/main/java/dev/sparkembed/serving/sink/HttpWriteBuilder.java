package dev.sparkembed.serving.sink;

import dev.sparkembed.serving.conf.HttpServerOptions;
import dev.sparkembed.serving.conf.HttpSourceConf;
import dev.sparkembed.serving.conf.ServingErrors;
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
    String replyTo = info.options().get(HttpServerOptions.REPLY_TO);
    if (replyTo == null || replyTo.isBlank()) {
      throw ServingErrors.missingOption(
          HttpServerOptions.REPLY_TO, "the API path of the httpserver source, such as /embed");
    }
    String path = HttpSourceConf.validPath(HttpServerOptions.REPLY_TO, replyTo);
    ReplyColumns columns = ReplyColumns.of(info.schema());
    String secret = info.options().get(HttpServerOptions.SECRET);
    return new Write() {
      @Override
      public String description() {
        return "httpserver[replyTo=" + path + "]";
      }

      @Override
      public StreamingWrite toStreaming() {
        return new HttpStreamingWrite(info.queryId(), path, columns, secret);
      }
    };
  }
}
