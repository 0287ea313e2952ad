package dev.sparkembed.serving.source;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReader;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReaderFactory;

/** Creates continuous readers; holds nothing. Serialized to executors. */
final class HttpContinuousReaderFactory implements ContinuousPartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  @Override
  public ContinuousPartitionReader<InternalRow> createReader(InputPartition partition) {
    return new HttpContinuousPartitionReader((HttpContinuousInputPartition) partition);
  }
}
