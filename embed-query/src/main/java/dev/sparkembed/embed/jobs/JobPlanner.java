package dev.sparkembed.embed.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a job against the real database or files and resolves everything the run needs: names
 * as stored, types, whether the target exists, and the selected rows' id bounds and counts (one
 * aggregate query). Every problem is collected and thrown together, before anything is written.
 * Driver only.
 */
final class JobPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(JobPlanner.class);

  private final SparkSession spark;
  private final BatchJobSpec spec;
  private final EmbeddingStep step;
  private final JobPlan.Builder plan;
  private final List<String> problems = new ArrayList<>();

  private JobPlanner(SparkSession spark, BatchJobSpec spec, EmbeddingStep step, String runId) {
    this.spark = spark;
    this.spec = spec;
    this.step = step;
    this.plan = new JobPlan.Builder(spec, runId);
  }

  /**
   * Plans one run.
   *
   * @throws JobValidationException listing every problem found
   */
  static JobPlan plan(SparkSession spark, BatchJobSpec spec, EmbeddingStep step, String runId) {
    return new JobPlanner(spark, spec, step, runId).plan();
  }

  private JobPlan plan() {
    Dataset<Row> input = spec.readsTable() ? null : inspectInput();
    if (spec.jdbcUrl() != null) {
      inspectDatabase();
    }
    if (input != null && problems.isEmpty()) {
      countInput(JobFiles.selectRows(spark, plan.build(), input));
    }
    inspectModel();
    if (!problems.isEmpty()) {
      throw new JobValidationException(problems);
    }
    int requested =
        spec.partitions() != null ? spec.partitions() : spark.sparkContext().defaultParallelism();
    plan.partitions = Math.max(1, requested);
    LOG.info(
        "Planned batch job {}: {}; {} rows selected, {} with null or blank text skipped",
        plan.runId,
        spec.describe(),
        plan.rowsSelected,
        plan.blankTexts);
    return plan.build();
  }

  // ---- database

  private void inspectDatabase() {
    plan.dialect = VectorDialect.forUrl(spec.jdbcUrl());
    plan.connector = new JdbcConnector(spec.jdbcUrl(), spec.user(), spec.password());
    if (plan.dialect == null) {
      problems.add(JobErrors.unsupportedDatabase(plan.connector.safeUrl()));
      return;
    }
    Connection conn;
    try {
      conn = plan.connector.open();
    } catch (SQLException e) {
      problems.add(JobSqlErrors.connectProblem(e, plan.connector));
      return;
    }
    try (conn) {
      if (plan.dialect instanceof PostgresVectorDialect pg) {
        plan.dialect = pg.withPgvector(PostgresVectorDialect.pgvectorInstalled(conn));
      }
      TableInspector inspector = new TableInspector(conn);
      if (spec.readsTable()) {
        inspectSource(inspector);
      }
      if (spec.targetTable() != null) {
        inspectTarget(inspector);
      }
      if (spec.readsTable() && problems.isEmpty()) {
        countSource(conn, inspector);
      }
    } catch (SQLException e) {
      problems.add(JobErrors.queryFailed("inspect the database", JobSqlErrors.describe(e)));
    }
  }

  private void inspectSource(TableInspector inspector) throws SQLException {
    TableRef source = resolveTable(inspector, "table", spec.table());
    if (source == null) {
      return;
    }
    plan.source = source;
    List<ColumnInfo> columns = inspector.columns(source);
    List<String> names = TableInspector.names(columns);
    ColumnInfo id = TableInspector.column(columns, spec.idColumn());
    if (id == null) {
      problems.add(JobErrors.columnNotFound("id-column", spec.idColumn(), source, names));
    } else {
      plan.idName = id.name();
      plan.idType = IdType.fromJdbc(id.jdbcType(), id.size(), id.scale());
      if (plan.idType == null) {
        problems.add(JobErrors.unsupportedIdType(source, id.name(), id.describeType()));
      }
    }
    ColumnInfo text = TableInspector.column(columns, spec.textColumn());
    if (text == null) {
      problems.add(JobErrors.columnNotFound("text-column", spec.textColumn(), source, names));
    } else if (!text.isText()) {
      problems.add(JobErrors.unsupportedTextType(source, text.name(), text.describeType()));
    } else {
      plan.textColumn = text;
    }
    if (spec.embeddingColumn() != null) {
      ColumnInfo e = TableInspector.column(columns, spec.embeddingColumn());
      if (e == null) {
        problems.add(
            JobErrors.columnNotFound("embedding-column", spec.embeddingColumn(), source, names));
      } else if (!plan.dialect.acceptsVectors(e)) {
        problems.add(
            JobErrors.notVectorColumn(
                source, e.name(), e.describeType(), plan.dialect.vectorTypes()));
      } else {
        plan.inPlaceColumn = e;
      }
    }
  }

  private void inspectTarget(TableInspector inspector) throws SQLException {
    List<TableRef> found = inspector.find(spec.targetTable());
    if (found.size() > 1) {
      problems.add(
          JobErrors.tableAmbiguous(
              "target-table", spec.targetTable(), found.stream().map(TableRef::toString).toList()));
      return;
    }
    String idName = plan.idName != null ? plan.idName : plan.dialect.storedCase(spec.idColumn());
    if (found.isEmpty()) {
      plan.target = newTable(spec.targetTable());
      plan.targetExists = false;
      plan.targetId = plan.dialect.storedCase(idName);
      plan.targetEmbeddingName = plan.dialect.storedCase(JobPlan.EMBEDDING);
      plan.targetModelName = plan.dialect.storedCase(JobPlan.MODEL);
      plan.targetAtName = plan.dialect.storedCase(JobPlan.EMBEDDED_AT);
      return;
    }
    TableRef target = found.get(0);
    if (plan.source != null && plan.source.equals(target)) {
      problems.add(JobErrors.targetIsSource(spec.targetTable()));
      return;
    }
    plan.target = target;
    plan.targetExists = true;
    List<ColumnInfo> columns = inspector.columns(target);
    List<String> missing = new ArrayList<>();
    ColumnInfo id = TableInspector.column(columns, idName);
    ColumnInfo emb = TableInspector.column(columns, JobPlan.EMBEDDING);
    ColumnInfo model = TableInspector.column(columns, JobPlan.MODEL);
    ColumnInfo at = TableInspector.column(columns, JobPlan.EMBEDDED_AT);
    if (id == null) {
      missing.add(idName);
    }
    if (emb == null) {
      missing.add(JobPlan.EMBEDDING);
    }
    if (model == null) {
      missing.add(JobPlan.MODEL);
    }
    if (at == null) {
      missing.add(JobPlan.EMBEDDED_AT);
    }
    if (!missing.isEmpty()) {
      problems.add(JobErrors.targetMissingColumns(target, missing, TableInspector.names(columns)));
      return;
    }
    if (!plan.dialect.acceptsVectors(emb)) {
      problems.add(
          JobErrors.notVectorColumn(
              target, emb.name(), emb.describeType(), plan.dialect.vectorTypes()));
    }
    if (plan.dialect instanceof PostgresVectorDialect && !inspector.uniqueOn(target, id.name())) {
      problems.add(JobErrors.targetNoKey(target, id.name()));
    }
    plan.targetId = id.name();
    plan.targetEmbedding = emb;
    plan.targetEmbeddingName = emb.name();
    plan.targetModelName = model.name();
    plan.targetAtName = at.name();
  }

  private TableRef resolveTable(TableInspector inspector, String option, String given)
      throws SQLException {
    List<TableRef> found = inspector.find(given);
    if (found.isEmpty()) {
      problems.add(JobErrors.tableNotFound(option, given, plan.connector.safeUrl()));
      return null;
    }
    if (found.size() > 1) {
      problems.add(
          JobErrors.tableAmbiguous(option, given, found.stream().map(TableRef::toString).toList()));
      return null;
    }
    return found.get(0);
  }

  /** A table that does not exist yet, named as the database would store it unquoted. */
  private TableRef newTable(String given) {
    int dot = given.lastIndexOf('.');
    String schema = dot > 0 ? plan.dialect.storedCase(given.substring(0, dot)) : null;
    String name = plan.dialect.storedCase(dot > 0 ? given.substring(dot + 1) : given);
    return new TableRef(null, schema, name);
  }

  /** One aggregate over the selected rows: id bounds, counts, blank texts, distinct ids. */
  private void countSource(Connection conn, TableInspector inspector) {
    VectorDialect d = plan.dialect;
    String id = "src." + d.quote(plan.idName);
    String text = "src." + d.quote(plan.textColumn.name());
    boolean unique = inspector.uniqueOn(plan.source, plan.idName);
    String where = plan.build().selection();
    String sql =
        "SELECT "
            + (plan.idType.ranged() ? "MIN(" + id + "), MAX(" + id + ")" : "NULL, NULL")
            + ", COUNT(*), COUNT("
            + id
            + "), "
            + (unique ? "NULL" : "COUNT(DISTINCT " + id + ")")
            + ", SUM(CASE WHEN "
            + d.nonBlank(text)
            + " THEN 0 ELSE 1 END) FROM "
            + plan.source.sql(d)
            + " src"
            + (where.isEmpty() ? "" : " WHERE " + where);
    LOG.debug("Counting the source: {}", sql);
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      Object min = rs.getObject(1);
      Object max = rs.getObject(2);
      long rows = rs.getLong(3);
      long nonNullIds = rs.getLong(4);
      long distinct = unique ? nonNullIds : rs.getLong(5);
      long blank = rs.getLong(6);
      checkIds(plan.source, rows, nonNullIds, distinct);
      plan.rowsSelected = rows;
      plan.blankTexts = blank;
      plan.minId = min == null ? null : ((Number) min).longValue();
      plan.maxId = max == null ? null : ((Number) max).longValue();
    } catch (SQLException e) {
      problems.add(
          JobErrors.queryFailed("count the rows of " + plan.source, JobSqlErrors.describe(e)));
    }
  }

  private void checkIds(Object table, long rows, long nonNullIds, long distinct) {
    if (nonNullIds < rows) {
      problems.add(JobErrors.nullIds(table, plan.idName, rows - nonNullIds));
    }
    if (distinct < nonNullIds) {
      problems.add(JobErrors.idNotUnique(table, plan.idName, nonNullIds, distinct));
    }
  }

  // ---- files

  private Dataset<Row> inspectInput() {
    Dataset<Row> df;
    try {
      df = JobFiles.read(spark, spec.inputFormat(), spec.input());
    } catch (Exception e) {
      String msg = String.valueOf(e.getMessage());
      problems.add(
          msg.contains("Path does not exist") || msg.contains("PATH_NOT_FOUND")
              ? JobErrors.inputNotFound(spec.input())
              : JobErrors.inputUnreadable(spec.input(), JobSqlErrors.firstLine(msg)));
      return null;
    }
    List<String> names = Arrays.asList(df.schema().fieldNames());
    StructField id = field(df, spec.idColumn());
    StructField text = field(df, spec.textColumn());
    if (id == null) {
      problems.add(JobErrors.fileColumnNotFound("id-column", spec.idColumn(), spec.input(), names));
    } else {
      plan.idName = id.name();
      plan.idType = IdType.fromSpark(id.dataType());
      if (plan.idType == null) {
        problems.add(
            JobErrors.unsupportedIdType(spec.input(), id.name(), id.dataType().simpleString()));
      }
    }
    if (text == null) {
      problems.add(
          JobErrors.fileColumnNotFound("text-column", spec.textColumn(), spec.input(), names));
    } else if (!text.dataType().equals(DataTypes.StringType)) {
      problems.add(
          JobErrors.unsupportedTextType(spec.input(), text.name(), text.dataType().simpleString()));
    } else {
      plan.fileTextName = text.name();
    }
    return df;
  }

  /** One Spark aggregate over the file: rows, ids, distinct ids, blank texts. */
  private void countInput(Dataset<Row> df) {
    Column id = col(plan.idName);
    Column text = col(plan.fileTextName);
    Row r =
        df.agg(
                count(lit(1)),
                count(id),
                countDistinct(id),
                sum(when(JobFiles.blank(text), 1).otherwise(0)))
            .first();
    long rows = r.getLong(0);
    checkIds(spec.input(), rows, r.getLong(1), r.getLong(2));
    plan.rowsSelected = rows;
    plan.blankTexts = r.isNullAt(3) ? 0 : r.getLong(3);
  }

  private static StructField field(Dataset<Row> df, String given) {
    for (StructField f : df.schema().fields()) {
      if (f.name().equals(given)) {
        return f;
      }
    }
    for (StructField f : df.schema().fields()) {
      if (f.name().equalsIgnoreCase(given)) {
        return f;
      }
    }
    return null;
  }

  // ---- model

  private void inspectModel() {
    try {
      plan.modelName = step.modelName();
      plan.dimension = step.dimension();
      plan.maxSequenceLength = step.maxSequenceLength();
    } catch (RuntimeException e) {
      problems.add(
          JobErrors.badModel(spec.modelSpec().model(), JobSqlErrors.firstLine(e.getMessage())));
    }
  }
}
