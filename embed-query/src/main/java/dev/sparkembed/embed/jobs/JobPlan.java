package dev.sparkembed.embed.jobs;

/**
 * Everything {@link JobPlanner} resolved and counted for one run, so the run itself asks nothing
 * more of the database before writing. Immutable: the planner fills a {@link Builder}, the job
 * ({@link BatchJob}) only reads the plan. Driver only.
 */
final class JobPlan {
  /** Output columns of the vectors (file, results and target-table jobs). */
  static final String EMBEDDING = "embedding";

  static final String MODEL = "model";
  static final String EMBEDDED_AT = "embedded_at";

  final BatchJobSpec spec;
  final String runId;

  // database (null for file-to-file jobs); source table or file; target; in place; counts; model
  final VectorDialect dialect;
  final JdbcConnector connector;
  final TableRef source;
  final ColumnInfo textColumn;
  final String idName;
  final IdType idType;
  final String fileTextName;
  final TableRef target;
  final boolean targetExists;
  final ColumnInfo targetEmbedding;
  final String targetId;
  final String targetEmbeddingName;
  final String targetModelName;
  final String targetAtName;
  final ColumnInfo inPlaceColumn;
  final long rowsSelected;
  final long blankTexts;
  final Long minId;
  final Long maxId;
  final int partitions;
  final String modelName;
  final int dimension;
  final int maxSequenceLength;

  private JobPlan(Builder b) {
    this.spec = b.spec;
    this.runId = b.runId;
    this.dialect = b.dialect;
    this.connector = b.connector;
    this.source = b.source;
    this.textColumn = b.textColumn;
    this.idName = b.idName;
    this.idType = b.idType;
    this.fileTextName = b.fileTextName;
    this.target = b.target;
    this.targetExists = b.targetExists;
    this.targetEmbedding = b.targetEmbedding;
    this.targetId = b.targetId;
    this.targetEmbeddingName = b.targetEmbeddingName;
    this.targetModelName = b.targetModelName;
    this.targetAtName = b.targetAtName;
    this.inPlaceColumn = b.inPlaceColumn;
    this.rowsSelected = b.rowsSelected;
    this.blankTexts = b.blankTexts;
    this.minId = b.minId;
    this.maxId = b.maxId;
    this.partitions = b.partitions;
    this.modelName = b.modelName;
    this.dimension = b.dimension;
    this.maxSequenceLength = b.maxSequenceLength;
  }

  /** What {@link JobPlanner} fills in while it inspects; {@link #build} freezes it. */
  static final class Builder {
    final BatchJobSpec spec;
    final String runId;
    VectorDialect dialect;
    JdbcConnector connector;
    TableRef source;
    ColumnInfo textColumn;
    String idName;
    IdType idType;
    String fileTextName;
    TableRef target;
    boolean targetExists;
    ColumnInfo targetEmbedding;
    String targetId;
    String targetEmbeddingName;
    String targetModelName;
    String targetAtName;
    ColumnInfo inPlaceColumn;
    long rowsSelected;
    long blankTexts;
    Long minId;
    Long maxId;
    int partitions;
    String modelName;
    int dimension;
    int maxSequenceLength;

    Builder(BatchJobSpec spec, String runId) {
      this.spec = spec;
      this.runId = runId;
    }

    JobPlan build() {
      return new JobPlan(this);
    }
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
