package dev.sparkembed.embed.spark;

import dev.sparkembed.embed.engine.Embedder;
import dev.sparkembed.embed.engine.EmbeddingResult;
import dev.sparkembed.embed.engine.ExecutorModels;
import dev.sparkembed.embed.engine.ModelSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The per-partition work of {@link EmbeddingTransformer}, run on executors: reads up to {@code
 * batchSize} rows at a time, embeds their non-null texts in one call to the JVM's shared model
 * ({@link ExecutorModels}), and emits each row with its vector (and token count) appended. Rows
 * stream through: a partition is never held in memory whole. Holds only the spec and a few ints, so
 * it serialises small; the model is looked up on the executor.
 */
final class EmbedPartitions implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final ModelSpec spec;
  private final int textIndex;
  private final int batchSize;
  private final boolean withTokenCount;

  EmbedPartitions(ModelSpec spec, int textIndex, int batchSize, boolean withTokenCount) {
    this.spec = spec;
    this.textIndex = textIndex;
    this.batchSize = batchSize;
    this.withTokenCount = withTokenCount;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return new Iterator<>() {
      private final List<Row> out = new ArrayList<>(batchSize);
      private int next;

      @Override
      public boolean hasNext() {
        if (next < out.size()) {
          return true;
        }
        out.clear();
        next = 0;
        if (rows.hasNext()) {
          embedBatch(rows, out);
        }
        return next < out.size();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return out.get(next++);
      }
    };
  }

  private void embedBatch(Iterator<Row> rows, List<Row> out) {
    List<Row> in = new ArrayList<>(batchSize);
    List<String> texts = new ArrayList<>(batchSize);
    while (in.size() < batchSize && rows.hasNext()) {
      Row row = rows.next();
      in.add(row);
      if (!row.isNullAt(textIndex)) {
        texts.add(row.getString(textIndex));
      }
    }
    EmbeddingResult result = null;
    if (!texts.isEmpty()) {
      Embedder embedder = ExecutorModels.get(spec);
      result = embedder.embed(texts);
    }
    int k = 0;
    for (Row row : in) {
      float[] vector = null;
      Integer tokens = null;
      if (!row.isNullAt(textIndex)) {
        vector = result.vectors()[k];
        tokens = result.tokenCounts()[k];
        k++;
      }
      int n = row.length();
      Object[] values = new Object[n + (withTokenCount ? 2 : 1)];
      for (int i = 0; i < n; i++) {
        values[i] = row.get(i);
      }
      values[n] = vector;
      if (withTokenCount) {
        values[n + 1] = tokens;
      }
      out.add(RowFactory.create(values));
    }
  }
}
