package dev.sparkembed.serving.sink;

import dev.sparkembed.serving.server.InternalWireFormat;
import dev.sparkembed.serving.server.RequestQueue;
import dev.sparkembed.serving.server.ServingRegistry;
import java.io.IOException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each row's request as the row is written: directly when the request's queue is in this
 * JVM, else forwarded (in batches, without waiting) to the server named in the row's id. {@link
 * #commit} waits until every forwarded reply was delivered, so the driver's commit only then
 * answers the unanswered. A reply for a request answered already (a retried task) is dropped by the
 * queue. Executor.
 */
final class HttpDataWriter implements DataWriter<InternalRow> {
  private static final Logger LOG = LoggerFactory.getLogger(HttpDataWriter.class);

  private final ReplyColumns columns;
  private final String secret;
  private ReplyForwarder forwarder;
  private long sent;
  private long forwarded;
  private long dropped;

  HttpDataWriter(ReplyColumns columns, String secret) {
    this.columns = columns;
    this.secret = secret;
  }

  @Override
  public void write(InternalRow row) throws IOException {
    RequestId id = columns.requestId(row);
    if (id == null) {
      dropped++;
      LOG.debug("Dropped a row without a request id");
      return;
    }
    String token = id.queue();
    long seq = id.requestId();
    RequestQueue local = ServingRegistry.jvm().queue(token);
    if (local != null) {
      if (local.answer(seq, columns.reply(row)) == RequestQueue.ReplyOutcome.SENT) {
        sent++;
      } else {
        dropped++;
      }
      return;
    }
    if (forwarder == null) {
      if (secret == null) {
        throw new IOException(
            "Cannot forward a reply to "
                + id.server()
                + ": the query's secret is unknown (is the httpserver source in the same query?)");
      }
      forwarder = new ReplyForwarder(secret);
    }
    forwarder.add(id.server(), new InternalWireFormat.WireReply(token, seq, columns.reply(row)));
    forwarded++;
  }

  @Override
  public WriterCommitMessage commit() throws IOException {
    if (forwarder != null) {
      forwarder.flushAndWait();
    }
    return new Committed(sent, forwarded, dropped);
  }

  @Override
  public void abort() {
    if (forwarder != null) {
      forwarder.discard();
    }
  }

  @Override
  public void close() {}

  /** What one task did. */
  record Committed(long sent, long forwarded, long dropped) implements WriterCommitMessage {}
}
