package dev.sparkembed.serving.sink;

import dev.sparkembed.serving.server.ServingRegistry;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's driver side. Duties (Spark's {@code StreamingWrite} contract): the writer factory it
 * creates is serialized to executors and holds only column positions and the query's secret; {@link
 * #commit} runs on the driver once every task of the batch or epoch committed, and finishes the
 * batch: requests it read but answered nothing for get 500 now, not at their timeout. Replies
 * themselves were sent by the writers, row by row, so commit is idempotent. Driver.
 */
final class HttpStreamingWrite implements StreamingWrite {
  private static final Logger LOG = LoggerFactory.getLogger(HttpStreamingWrite.class);

  private final String queryId;
  private final String replyTo;
  private final ReplyColumns columns;
  private final String secret;

  HttpStreamingWrite(String queryId, String replyTo, ReplyColumns columns, String secret) {
    this.queryId = queryId;
    this.replyTo = replyTo;
    this.columns = columns;
    this.secret = secret;
  }

  @Override
  public StreamingDataWriterFactory createStreamingWriterFactory(PhysicalWriteInfo info) {
    String s = secret;
    if (s == null) {
      ServingRegistry.SourceHandle source = ServingRegistry.jvm().source(queryId);
      s = source == null ? null : source.secret();
    }
    return new HttpDataWriterFactory(columns, s);
  }

  @Override
  public void commit(long epochId, WriterCommitMessage[] messages) {
    long sent = 0;
    long forwarded = 0;
    long dropped = 0;
    for (WriterCommitMessage m : messages) {
      if (m instanceof HttpDataWriter.Committed c) {
        sent += c.sent();
        forwarded += c.forwarded();
        dropped += c.dropped();
      }
    }
    LOG.debug(
        "Batch {} of {} committed: {} replies sent here, {} forwarded, {} dropped",
        epochId,
        replyTo,
        sent,
        forwarded,
        dropped);
    ServingRegistry.SourceHandle source = ServingRegistry.jvm().source(queryId);
    if (source != null) {
      source.finishBatch(epochId);
    } else {
      LOG.debug("No httpserver source of query {} here to finish batch {}", queryId, epochId);
    }
  }

  @Override
  public void abort(long epochId, WriterCommitMessage[] messages) {
    // Requests stay queued: a retried batch reads them again; a failed query answers them 503.
    LOG.warn("Batch {} of the query replying to {} aborted", epochId, replyTo);
  }

  @Override
  public String toString() {
    return "HttpStreamingWrite[replyTo=" + replyTo + "]";
  }
}
