package dev.sparkembed.serving.source;

import dev.sparkembed.serving.server.InternalClient;
import dev.sparkembed.serving.server.InternalWireFormat;
import dev.sparkembed.serving.server.PendingRequest;
import dev.sparkembed.serving.server.RequestQueue;
import dev.sparkembed.serving.server.ServingServers;
import java.io.IOException;
import java.util.ArrayDeque;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReader;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Continuous: blocks on its lane of the server's queue and hands each request over the moment it
 * arrives, directly when the queue is in this JVM, else by long-polling the server. Its offset is
 * the number of the last request taken; each one handed over is noted in {@link
 * ContinuousReadAhead}. Executor (Spark's reader thread).
 */
final class HttpContinuousPartitionReader implements ContinuousPartitionReader<InternalRow> {
  /**
   * How long one wait on the local lane lasts. The wait ends the moment a request arrives, and
   * Spark interrupts this thread when the task stops, so this only bounds how long a stop that
   * comes without an interrupt goes unnoticed; an idle reader wakes this rarely, not ten times a
   * second.
   */
  private static final long LOCAL_WAIT_MS = 5_000;

  private static final long REMOTE_WAIT_MS = 1_000;
  private static final int REMOTE_BATCH = 256;

  private final HttpContinuousInputPartition p;
  private final UTF8String server;
  private final UTF8String queueName;
  private final ArrayDeque<InternalWireFormat.WireRequest> buffer = new ArrayDeque<>();

  /** The task reading (Spark creates readers on the task's thread); -1 outside a task. */
  private final long taskAttemptId;

  private InternalRow current;
  private long lastSeq;

  HttpContinuousPartitionReader(HttpContinuousInputPartition p) {
    this.p = p;
    this.server = UTF8String.fromString(p.address());
    this.queueName = UTF8String.fromString(p.token());
    this.lastSeq = p.start();
    TaskContext ctx = TaskContext.get();
    this.taskAttemptId = ctx == null ? -1 : ctx.taskAttemptId();
  }

  @Override
  public boolean next() throws IOException {
    while (!stopping()) {
      RequestQueue local = ServingServers.queue(p.token());
      try {
        if (local != null) {
          PendingRequest e = local.take(p.lane(), LOCAL_WAIT_MS);
          if (e != null) {
            PendingRequest.RequestData d = e.data();
            current = RequestRows.toRow(server, queueName, e.seq(), d);
            lastSeq = e.seq();
            ContinuousReadAhead.handed(taskAttemptId, lastSeq);
            return true;
          }
        } else {
          if (buffer.isEmpty()) {
            buffer.addAll(
                new InternalClient(p.address(), p.secret())
                    .take(p.token(), p.lane(), REMOTE_BATCH, REMOTE_WAIT_MS));
          }
          InternalWireFormat.WireRequest r = buffer.poll();
          if (r != null) {
            current = RequestRows.toRow(server, queueName, r.seq(), r.data());
            lastSeq = r.seq();
            ContinuousReadAhead.handed(taskAttemptId, lastSeq);
            return true;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static boolean stopping() {
    TaskContext ctx = TaskContext.get();
    return Thread.currentThread().isInterrupted()
        || (ctx != null && (ctx.isInterrupted() || ctx.isCompleted()));
  }

  @Override
  public InternalRow get() {
    return current;
  }

  @Override
  public PartitionOffset getOffset() {
    return new HttpPartitionOffset(p.token(), p.lane(), lastSeq);
  }

  @Override
  public void close() {
    ContinuousReadAhead.closed(taskAttemptId);
    RequestQueue local = ServingServers.queue(p.token());
    if (local != null) {
      local.requeueTaken(p.lane());
    }
  }
}
