package dev.sparkembed.serving.source;

import dev.sparkembed.serving.server.InternalClient;
import dev.sparkembed.serving.server.InternalWireFormat;
import dev.sparkembed.serving.server.PendingRequest;
import dev.sparkembed.serving.server.RequestQueue;
import dev.sparkembed.serving.server.ServingServers;
import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.unsafe.types.UTF8String;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one {@link HttpInputPartition}: the requests of its range that still wait for an answer (a
 * retried task skips those answered already; requests of an earlier run of the query are gone and
 * read as nothing). Executor.
 */
final class HttpPartitionReader implements PartitionReader<InternalRow> {
  private static final Logger LOG = LoggerFactory.getLogger(HttpPartitionReader.class);

  private final List<InternalRow> rows;
  private int index = -1;

  HttpPartitionReader(HttpInputPartition p) {
    this.rows = load(p);
  }

  private static List<InternalRow> load(HttpInputPartition p) {
    UTF8String server = UTF8String.fromString(p.address());
    UTF8String queue = UTF8String.fromString(p.token());
    RequestQueue local = ServingServers.queue(p.token());
    if (local != null) {
      List<PendingRequest> requests = local.read(p.from(), p.to());
      List<InternalRow> out = new ArrayList<>(requests.size());
      for (PendingRequest r : requests) {
        out.add(RequestRows.toRow(server, queue, r.seq(), r.data()));
      }
      return out;
    }
    try {
      List<InternalWireFormat.WireRequest> requests =
          new InternalClient(p.address(), p.secret()).fetch(p.token(), p.from(), p.to());
      List<InternalRow> out = new ArrayList<>(requests.size());
      for (InternalWireFormat.WireRequest r : requests) {
        out.add(RequestRows.toRow(server, queue, r.seq(), r.data()));
      }
      return out;
    } catch (ConnectException e) {
      // The server's JVM is gone, and with it every connection these requests came on.
      LOG.warn(
          "Server {} of {} is unreachable; its requests are gone ({})",
          p.address(),
          p,
          e.toString());
      return List.of();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot read the requests of " + p, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading " + p, e);
    }
  }

  @Override
  public boolean next() {
    return ++index < rows.size();
  }

  @Override
  public InternalRow get() {
    return rows.get(index);
  }

  @Override
  public void close() {}
}
