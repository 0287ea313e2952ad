package dev.sparkembed.embed.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.udf;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Properties;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the batch embedding job: plan and validate ({@link JobPlanner}), read the selected
 * rows with partitioned JDBC range reads (or from a file), embed them on the executors, write the
 * vectors into a staging table of this run, then publish them with one upsert or update in one
 * transaction. A run that fails or is cancelled before publishing leaves the target as it was; a
 * rerun publishes each id once. Runs on the driver in the calling thread, as one Spark job group
 * that {@link #cancel()} cancels; the read, embed and staging write run on the executors.
 */
public final class BatchJob {
  private static final Logger LOG = LoggerFactory.getLogger(BatchJob.class);

  /** Column names inside the job's DataFrames. */
  static final String ID = "id";

  static final String TEXT = "text";
  static final String VECTOR = "embedding";
  static final String TOKENS = "tokens";

  private static final int FETCH_SIZE = 1000;

  private final SparkSession spark;
  private final BatchJobSpec spec;
  private final EmbeddingStep step;
  private final String jobId;
  private final String jobGroup;
  private final JobProgress progress = new JobProgress();
  private String resultsDirectory;
  private volatile boolean cancelled;
  private volatile boolean publishing;

  /** A job that embeds with the engine and the spec's model, one engine thread per task core. */
  public BatchJob(SparkSession spark, BatchJobSpec spec, String jobId) {
    this(spark, spec, EngineEmbeddingStep.forTasks(spark, spec.modelSpec()), jobId);
  }

  /** A job with its own embedding stage. */
  public BatchJob(SparkSession spark, BatchJobSpec spec, EmbeddingStep step, String jobId) {
    this.spark = spark;
    this.spec = spec;
    this.step = step;
    this.jobId = jobId;
    this.jobGroup = "spark-embed-batch-" + jobId;
  }

  /** Where a pull-mode job writes its JSON-lines results. */
  public BatchJob resultsDirectory(String directory) {
    this.resultsDirectory = directory;
    return this;
  }

  public JobProgress progress() {
    return progress;
  }

  public String jobId() {
    return jobId;
  }

  /** The Spark job group every Spark job of this run belongs to. */
  public String jobGroup() {
    return jobGroup;
  }

  /**
   * Stops the run: cancels its Spark jobs unless it is already publishing (the publishing
   * transaction is short and finishes). {@link #run()} then throws {@link JobCancelledException}.
   */
  public void cancel() {
    cancelled = true;
    if (!publishing) {
      spark.sparkContext().cancelJobGroup(jobGroup);
    }
  }

  /**
   * Runs the job in the calling thread.
   *
   * @throws JobValidationException before anything is written, listing every problem
   * @throws JobCancelledException when {@link #cancel()} stopped it before publishing
   */
  public BatchJobResult run() {
    long start = System.nanoTime();
    SparkContext sc = spark.sparkContext();
    sc.setJobGroup(jobGroup, "spark-embed batch " + jobId + ": " + spec.describe(), true);
    try {
      JobPlan plan = JobPlanner.plan(spark, spec, step, jobId);
      checkCancelled();
      LongAccumulator embedded = sc.longAccumulator("spark-embed rows embedded " + jobId);
      LongAccumulator truncated = sc.longAccumulator("spark-embed texts truncated " + jobId);
      RowCountListener listener = new RowCountListener(embedded);
      sc.addSparkListener(listener);
      progress.start(plan.rowsToEmbed(), listener);
      long written;
      try {
        written = write(plan, embedded, truncated);
      } catch (SparkException e) {
        checkCancelled();
        throw new IllegalStateException(
            "Batch job " + jobId + " failed: " + JobSqlErrors.rootMessage(e), e);
      } catch (SQLException e) {
        throw new IllegalStateException(
            "Batch job " + jobId + " failed writing to the database: " + JobSqlErrors.describe(e),
            e);
      } finally {
        sc.removeSparkListener(listener);
      }
      progress.finish(written);
      BatchJobResult result =
          new BatchJobResult(
              plan.rowsSelected,
              written,
              plan.blankTexts,
              truncated.value(),
              (System.nanoTime() - start) / 1e9,
              destination(plan));
      LOG.info("Batch job {} done: {}", jobId, result.summary().replace('\n', ';'));
      return result;
    } finally {
      sc.clearJobGroup();
    }
  }

  private void checkCancelled() {
    if (cancelled) {
      throw new JobCancelledException(jobId);
    }
  }

  private String destination(JobPlan plan) {
    return switch (spec.sink()) {
      case TARGET_TABLE -> "table " + plan.target;
      case IN_PLACE -> "column " + plan.source + "." + plan.inPlaceColumn.name();
      case FILE -> spec.output();
      case PULL -> "job results";
    };
  }

  // ---- the pipeline

  private long write(JobPlan plan, LongAccumulator embedded, LongAccumulator truncated)
      throws SparkException, SQLException {
    return switch (spec.sink()) {
      case TARGET_TABLE, IN_PLACE -> writeThroughStaging(plan, embedded, truncated);
      case FILE -> writeFile(plan, embedded, truncated);
      case PULL -> writeResults(plan, embedded, truncated);
    };
  }

  /** The selected, non-blank rows as {@code (id, text)}, read in partitions. */
  private Dataset<Row> rows(JobPlan plan) {
    if (plan.source == null) {
      Dataset<Row> file =
          JobFiles.selectRows(spark, plan, JobFiles.read(spark, spec.inputFormat(), spec.input()));
      Dataset<Row> rows =
          file.where(not(JobFiles.blank(col(plan.fileTextName))))
              .select(col(plan.idName).as(ID), col(plan.fileTextName).as(TEXT));
      return spec.partitions() == null ? rows : rows.repartition(plan.partitions);
    }
    return readTable(plan).toDF(ID, TEXT);
  }

  /**
   * The embedded rows as {@code (id, embedding)}, each counted as it leaves the model (and counted
   * as truncated when it filled the model's sequence length).
   */
  private Dataset<Row> vectors(JobPlan plan, LongAccumulator embedded, LongAccumulator truncated) {
    UserDefinedFunction counted =
        udf(new RowCounter(embedded, truncated, plan.maxSequenceLength), DataTypes.BooleanType)
            .asNondeterministic();
    return step.embed(rows(plan), TEXT, VECTOR, TOKENS)
        .where(counted.apply(col(TOKENS)))
        .select(col(ID), col(VECTOR));
  }

  private Dataset<Row> readTable(JobPlan plan) {
    VectorDialect d = plan.dialect;
    String where = plan.selection();
    String text = "src." + d.quote(plan.textColumn.name());
    String query =
        "(SELECT src."
            + d.quote(plan.idName)
            + ", "
            + text
            + " FROM "
            + plan.source.sql(d)
            + " src WHERE "
            + d.nonBlank(text)
            + (where.isEmpty() ? "" : " AND " + where)
            + ") q";
    Properties props = plan.connector.properties();
    props.setProperty("fetchsize", String.valueOf(FETCH_SIZE));
    DataFrameReader reader = spark.read().option("fetchsize", FETCH_SIZE);
    int n = plan.partitions;
    if (plan.idType.ranged()) {
      long span = plan.maxId == null ? 1 : plan.maxId - plan.minId + 1;
      n = (int) Math.max(1, Math.min(n, span));
      if (n == 1) {
        return reader.jdbc(plan.connector.url(), query, props);
      }
      LOG.info(
          "Reading {} with {} range partitions on {} in [{}, {}]",
          plan.source,
          n,
          plan.idName,
          plan.minId,
          plan.maxId);
      return reader.jdbc(
          plan.connector.url(), query, plan.idName, plan.minId, plan.maxId + 1, n, props);
    }
    String[] predicates = new String[n];
    for (int i = 0; i < n; i++) {
      predicates[i] = d.hashPartition(d.quote(plan.idName), n, i);
    }
    LOG.info("Reading {} with {} hash partitions on {}", plan.source, n, plan.idName);
    return reader.jdbc(plan.connector.url(), query, predicates, props);
  }

  private long writeThroughStaging(
      JobPlan plan, LongAccumulator embedded, LongAccumulator truncated) throws SQLException {
    VectorDialect d = plan.dialect;
    TableRef home = spec.sink() == BatchJobSpec.Sink.IN_PLACE ? plan.source : plan.target;
    TableRef staging = home.sibling(stagingName(d, home.name(), jobId));
    String stagingSql = staging.sql(d);
    String stagingId = d.quote(d.storedCase(plan.idName));
    if (plan.rowsToEmbed() == 0) {
      publish(plan, null);
      return 0;
    }
    execute(plan.connector, d.createStaging(stagingSql, stagingId, plan.idType));
    LOG.info("Batch job {}: staging vectors in {}", jobId, staging);
    try {
      Dataset<Row> vectors = vectors(plan, embedded, truncated);
      ForeachPartitionFunction<Row> writer =
          new StagingWriter(
              plan.connector, d, StagingWriter.insertSql(stagingSql, stagingId), spec.writeBatch());
      vectors.foreachPartition(writer);
      checkCancelled();
      return publish(plan, new String[] {stagingSql, stagingId});
    } finally {
      try {
        execute(plan.connector, d.dropTable(stagingSql));
      } catch (SQLException e) {
        LOG.warn(
            "Batch job {}: could not drop staging table {}: {}", jobId, staging, e.getMessage());
      }
    }
  }

  /**
   * Publishes the staged vectors in one transaction: creates the target when missing, then one
   * upsert (or in-place update). Returns the rows it wrote.
   */
  private long publish(JobPlan plan, String[] staging) throws SQLException {
    publishing = true;
    VectorDialect d = plan.dialect;
    try (Connection conn = plan.connector.open()) {
      conn.setAutoCommit(false);
      try {
        long rows = 0;
        if (spec.sink() == BatchJobSpec.Sink.TARGET_TABLE) {
          String target = plan.target.sql(d);
          if (!plan.targetExists) {
            String ddl =
                d.createTarget(
                    target,
                    d.quote(plan.targetId),
                    plan.idType,
                    d.quote(plan.targetEmbeddingName),
                    d.quote(plan.targetModelName),
                    d.quote(plan.targetAtName),
                    plan.dimension);
            LOG.info("Batch job {}: creating {}: {}", jobId, plan.target, ddl);
            try (Statement st = conn.createStatement()) {
              st.execute(ddl);
            }
          }
          if (staging != null) {
            String sql =
                d.upsert(
                    target,
                    staging[0],
                    d.quote(plan.targetId),
                    d.quote(plan.targetEmbeddingName),
                    d.quote(plan.targetModelName),
                    d.quote(plan.targetAtName),
                    plan.targetEmbedding,
                    plan.dimension);
            try (PreparedStatement ps = conn.prepareStatement(sql)) {
              ps.setString(1, plan.modelName);
              ps.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
              rows = ps.executeUpdate();
            }
          }
        } else if (staging != null) {
          String sql =
              d.updateInPlace(
                  plan.source.sql(d),
                  staging[0],
                  d.quote(plan.idName),
                  d.quote(plan.inPlaceColumn.name()),
                  plan.inPlaceColumn,
                  plan.dimension);
          try (Statement st = conn.createStatement()) {
            rows = st.executeUpdate(sql);
          }
        }
        conn.commit();
        LOG.info("Batch job {}: published {} rows to {}", jobId, rows, destination(plan));
        return rows;
      } catch (SQLException | RuntimeException e) {
        conn.rollback();
        throw e;
      }
    }
  }

  private long writeFile(JobPlan plan, LongAccumulator embedded, LongAccumulator truncated) {
    FileFormat format = spec.outputFormat();
    Column vector = format == FileFormat.CSV ? to_json(col(VECTOR)) : col(VECTOR);
    vectors(plan, embedded, truncated)
        .select(
            col(ID).as(plan.idName),
            vector.as(JobPlan.EMBEDDING),
            lit(plan.modelName).as(JobPlan.MODEL),
            lit(Timestamp.from(java.time.Instant.now())).as(JobPlan.EMBEDDED_AT))
        .write()
        .mode(SaveMode.Overwrite)
        .format(format.sparkName())
        .option("header", "true")
        .save(spec.output());
    return embedded.value();
  }

  private long writeResults(JobPlan plan, LongAccumulator embedded, LongAccumulator truncated) {
    if (resultsDirectory == null) {
      throw new IllegalStateException("A pull-mode job needs a results directory");
    }
    vectors(plan, embedded, truncated)
        .select(col(ID).as("id"), col(VECTOR).as(JobPlan.EMBEDDING))
        .write()
        .mode(SaveMode.Overwrite)
        .json(resultsDirectory);
    return embedded.value();
  }

  /** {@code <table>_stg_<job id>}, as the database stores new names, within its length limit. */
  static String stagingName(VectorDialect d, String table, String jobId) {
    String suffix = "_stg_" + jobId.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    int room = Math.max(1, d.maxIdentifierLength() - suffix.length());
    String base = table.length() > room ? table.substring(0, room) : table;
    return d.storedCase(base + suffix);
  }

  private static void execute(JdbcConnector connector, String sql) throws SQLException {
    try (Connection conn = connector.open();
        Statement st = conn.createStatement()) {
      st.execute(sql);
    }
  }
}
