package dev.sparkembed.serving.sink;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;

/** Creates one {@link HttpDataWriter} per task; holds column positions and the secret only. */
final class HttpDataWriterFactory implements StreamingDataWriterFactory {
  private static final long serialVersionUID = 1L;

  private final ReplyColumns columns;
  private final String secret;

  HttpDataWriterFactory(ReplyColumns columns, String secret) {
    this.columns = columns;
    this.secret = secret;
  }

  @Override
  public DataWriter<InternalRow> createWriter(int partitionId, long taskId, long epochId) {
    return new HttpDataWriter(columns, secret);
  }
}
