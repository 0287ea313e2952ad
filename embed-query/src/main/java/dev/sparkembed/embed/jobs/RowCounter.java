package dev.sparkembed.embed.jobs;

import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.util.LongAccumulator;

/**
 * Counts each row passing through, and those whose token count reached the model's limit; always
 * true. Runs on executors.
 */
final class RowCounter implements UDF1<Integer, Boolean> {
  private static final long serialVersionUID = 1L;
  private final LongAccumulator rows;
  private final LongAccumulator truncated;
  private final int maxTokens;

  RowCounter(LongAccumulator rows, LongAccumulator truncated, int maxTokens) {
    this.rows = rows;
    this.truncated = truncated;
    this.maxTokens = maxTokens;
  }

  @Override
  public Boolean call(Integer tokens) {
    rows.add(1);
    if (tokens != null && tokens >= maxTokens) {
      truncated.add(1);
    }
    return Boolean.TRUE;
  }
}
