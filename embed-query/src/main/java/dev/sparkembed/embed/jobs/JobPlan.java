package dev.sparkembed.embed.jobs;

/**
 * Everything {@link JobPlanner} resolved and counted for one run, so the run itself asks nothing
 * more of the database before writing. Driver only.
 */
final class JobPlan {
  final BatchJobSpec spec;
  final String runId;

  // database (null for file-to-file jobs)
  VectorDialect dialect;
  JdbcConnector connector;

  // source: a table ...
  TableRef source;
  ColumnInfo textColumn;
  // ... or a file; either way the id column's stored name and type
  String idName;
  IdType idType;
  String fileTextName;

  // target table
  TableRef target;
  boolean targetExists;
  ColumnInfo targetEmbedding;
  String targetId;
  String targetEmbeddingName;
  String targetModelName;
  String targetAtName;

  // in place
  ColumnInfo inPlaceColumn;

  // counts over the selected rows, looked up before anything is written
  long rowsSelected;
  long blankTexts;
  Long minId;
  Long maxId;
  int partitions;

  String modelName;
  int dimension;
  int maxSequenceLength;

  JobPlan(BatchJobSpec spec, String runId) {
    this.spec = spec;
    this.runId = runId;
  }

  /** Rows the embedding stage will see: selected rows with a non-blank text. */
  long rowsToEmbed() {
    return rowsSelected - blankTexts;
  }

  /** The SQL condition choosing which source rows this run embeds, over alias {@code src}. */
  String selection() {
    StringBuilder where = new StringBuilder();
    if (inPlaceColumn != null) {
      where.append("src.").append(dialect.quote(inPlaceColumn.name())).append(" IS NULL");
    }
    if (spec.incremental() && targetExists) {
      if (where.length() > 0) {
        where.append(" AND ");
      }
      where
          .append("NOT EXISTS (SELECT 1 FROM ")
          .append(target.sql(dialect))
          .append(" t WHERE t.")
          .append(dialect.quote(targetId))
          .append(" = src.")
          .append(dialect.quote(idName))
          .append(")");
    }
    return where.toString();
  }
}
