package dev.sparkembed.embed.service;

import dev.sparkembed.embed.engine.Embedder;
import dev.sparkembed.embed.engine.ExecutorModels;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.serving.HttpServing;
import dev.sparkembed.serving.ServingQueries;
import dev.sparkembed.serving.conf.HttpServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.encoders.RowEncoder;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedding service: ONE streaming query that reads every embedding endpoint from the {@code
 * httpserver} source, embeds each partition's requests with one model call ({@link
 * EmbedRequestsFunction}, no shuffle) and answers through the {@code httpserver} sink. The GET
 * endpoints are answered by the server itself ({@link ServiceServerExtension}). Driver: it loads
 * the model on the executors first (a warm-up job), then starts the query; {@link #close} stops it.
 */
public final class EmbeddingService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingService.class);

  /** The query's name in Spark's UI and logs. */
  public static final String QUERY_NAME = "spark-embed-service";

  /** How long the query may take to bind its server after it started. */
  static final java.time.Duration SERVER_START_TIMEOUT = java.time.Duration.ofMinutes(2);

  /**
   * Spark setting: worker threads of each executor's embedding work pool; -1 turns the pool off, 0
   * (default) uses the executor's cores.
   */
  public static final String POOL_THREADS = "spark.embed.service.poolThreads";

  /** What {@code /readyz} and refused requests name while the server waits for the model. */
  static final String AWAITING_MODEL = "no executor has loaded the model yet";

  private final StreamingQuery query;
  private final Path checkpoint;
  private final boolean ownsCheckpoint;
  private final ModelInfo model;

  private EmbeddingService(
      StreamingQuery query, Path checkpoint, boolean ownsCheckpoint, ModelInfo model) {
    this.query = query;
    this.checkpoint = checkpoint;
    this.ownsCheckpoint = ownsCheckpoint;
    this.model = model;
  }

  /**
   * Starts the query and loads the model on the executors; returns once it serves. In head mode
   * with the micro-batch trigger the driver's server opens first: while the warm-up job waits for
   * executors, {@code /healthz} answers 200, {@code /readyz} 503 naming what it waits for, and
   * embedding requests 503 with {@code Retry-After}. Otherwise the model is loaded first (a
   * continuous query holds every task slot; distributed servers live on the executors).
   */
  public static EmbeddingService start(SparkSession spark, ServiceConf conf) {
    return start(spark, conf, ServiceSetup.defaults());
  }

  /** Like {@link #start(SparkSession, ServiceConf)}, with the given extension and checkpoint. */
  public static EmbeddingService start(SparkSession spark, ServiceConf conf, ServiceSetup setup) {
    ServiceState.reset();
    Map<String, String> sparkConf = sparkConf(spark);
    ModelSpec spec = conf.continuous() ? ContinuousLayout.model(conf, sparkConf) : conf.model();
    boolean serverFirst = "head".equals(conf.mode()) && !conf.continuous();
    ModelInfo model = null;
    if (serverFirst) {
      ServiceState.awaitingModel(AWAITING_MODEL);
    } else {
      model = loaded(warmUp(spark, conf, spec));
    }
    Path checkpoint;
    try {
      checkpoint =
          setup.checkpoint() != null
              ? Files.createDirectories(setup.checkpoint())
              : Files.createTempDirectory("spark-embed-service-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the checkpoint directory", e);
    }
    StreamingQuery query = startQuery(spark, conf, setup, spec, sparkConf, checkpoint);
    boolean ownsCheckpoint = setup.checkpoint() == null;
    if (model == null) {
      LOG.info("Listening on {}; waiting for an executor to load the model", conf.baseUrl());
      try {
        model = loaded(warmUp(spark, conf, spec));
      } catch (RuntimeException e) {
        new EmbeddingService(query, checkpoint, ownsCheckpoint, null).close();
        throw e;
      }
    }
    LOG.info(
        "Serving {} on {} ({} mode, {} trigger, master {}): POST {}; GET {}",
        model.name(),
        conf.baseUrl(),
        conf.mode(),
        conf.continuous() ? "continuous" : "micro-batch",
        conf.master(),
        String.join(", ", embeddingPaths()),
        String.join(", ", InfoEndpoints.PATHS));
    return new EmbeddingService(query, checkpoint, ownsCheckpoint, model);
  }

  private static ModelInfo loaded(ModelInfo model) {
    ServiceState.modelLoaded(model);
    LOG.info(
        "Model {} loaded ({} dimensions, {} tokens of context)",
        model.name(),
        model.dimension(),
        model.maxSequenceLength());
    return model;
  }

  /** Starts the service's query and returns once its server is bound. */
  private static StreamingQuery startQuery(
      SparkSession spark,
      ServiceConf conf,
      ServiceSetup setup,
      ModelSpec spec,
      Map<String, String> sparkConf,
      Path checkpoint) {
    Dataset<Row> requests =
        spark
            .readStream()
            .format(HttpServerOptions.FORMAT)
            .options(sourceOptions(conf, setup.extension()))
            .options(setup.sourceOptions())
            .load();
    StructType idType = (StructType) requests.schema().apply("id").dataType();
    Dataset<Row> replies =
        requests.mapPartitions(
            new EmbedRequestsFunction(
                spec,
                conf.limits(),
                conf.apiKeyCheck(),
                conf.continuous(),
                poolWorkers(sparkConf, conf)),
            RowEncoder.apply(EmbedRequestsFunction.replySchema(idType)));
    DataStreamWriter<Row> writer =
        HttpServing.lowLatency(replies.writeStream(), conf.continuous())
            .format(HttpServerOptions.FORMAT)
            .queryName(QUERY_NAME)
            .option(HttpServerOptions.REPLY_TO, ApiFormat.OPENAI.path())
            .option("checkpointLocation", checkpoint.toString())
            .trigger(
                conf.continuous()
                    ? Trigger.Continuous(ServingQueries.CONTINUOUS_INTERVAL_MS)
                    : Trigger.ProcessingTime(0));
    StreamingQuery query;
    try {
      query = writer.start();
    } catch (TimeoutException e) {
      throw new IllegalStateException("The service's query did not start: " + e.getMessage(), e);
    }
    ServiceState.query(query::isActive, "the service's query stopped");
    HttpServing.awaitServing(query, SERVER_START_TIMEOUT);
    return query;
  }

  /** The POST endpoints, in the order the source is given them. */
  public static List<String> embeddingPaths() {
    List<String> paths = new ArrayList<>();
    for (ApiFormat f : ApiFormat.values()) {
      paths.add(f.path());
    }
    return paths;
  }

  /** The source's options: every embedding path in one query, limits, TLS, the GET routes. */
  static Map<String, String> sourceOptions(ServiceConf conf) {
    return sourceOptions(conf, ServiceServerExtension.class);
  }

  static Map<String, String> sourceOptions(
      ServiceConf conf, Class<? extends ServiceServerExtension> extension) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put(HttpServerOptions.HOST, conf.host());
    o.put(HttpServerOptions.PORT, Integer.toString(conf.port()));
    o.put(HttpServerOptions.PATH, String.join(",", embeddingPaths()));
    o.put(HttpServerOptions.MODE, conf.mode());
    o.put(HttpServerOptions.MAX_QUEUED_REQUESTS, Integer.toString(conf.maxQueuedRequests()));
    o.put(HttpServerOptions.MAX_BODY_BYTES, Long.toString(conf.limits().maxBodyBytes()));
    o.put(HttpServerOptions.REQUEST_TIMEOUT, conf.requestTimeout().toMillis() + "ms");
    o.put(HttpServerOptions.MAX_REQUESTS_PER_BATCH, Integer.toString(conf.maxRequestsPerBatch()));
    if (conf.continuous()) {
      o.put(
          HttpServerOptions.NUM_PARTITIONS,
          Integer.toString(ContinuousLayout.readersPerServer(conf)));
    } else if (conf.numPartitions() > 0) {
      o.put(HttpServerOptions.NUM_PARTITIONS, Integer.toString(conf.numPartitions()));
    }
    if (conf.tls()) {
      o.put(HttpServerOptions.TLS_CERT, conf.tlsCert().toAbsolutePath().toString());
      o.put(HttpServerOptions.TLS_KEY, conf.tlsKey().toAbsolutePath().toString());
    }
    o.put(HttpServerOptions.EXTENSION, extension.getName());
    o.put(HttpServerOptions.METHODS, "POST");
    o.putAll(ServiceServerExtension.options(conf));
    return o;
  }

  /**
   * Loads the model where the service's tasks run (every executor, as far as one task per core
   * reaches them) and returns what it is. Runs before the query: a continuous query holds every
   * task slot, so nothing else could run beside it.
   */
  private static ModelInfo warmUp(SparkSession spark, ServiceConf conf, ModelSpec spec) {
    int tasks = conf.master().startsWith("local") ? 1 : spark.sparkContext().defaultParallelism();
    List<Integer> seeds = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      seeds.add(i);
    }
    List<ModelInfo> loaded =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(seeds, tasks)
            .map(new WarmUp(spec))
            .collect();
    return loaded.get(0);
  }

  /** The pool's workers per executor: {@link #POOL_THREADS} if set, else the executor's cores. */
  static int poolWorkers(Map<String, String> sparkConf, ServiceConf conf) {
    String set = sparkConf.get(POOL_THREADS);
    if (set != null) {
      try {
        return Math.max(-1, Integer.parseInt(set.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Invalid setting '" + POOL_THREADS + "': " + set + " (expected -1, 0 or a count)", e);
      }
    }
    return ContinuousLayout.executorCores(conf.master(), sparkConf);
  }

  private static Map<String, String> sparkConf(SparkSession spark) {
    Map<String, String> all = new LinkedHashMap<>();
    for (scala.Tuple2<String, String> kv : spark.sparkContext().getConf().getAll()) {
      all.put(kv._1(), kv._2());
    }
    return all;
  }

  public ModelInfo model() {
    return model;
  }

  public StreamingQuery query() {
    return query;
  }

  /** Blocks until the query stops; rethrows its failure. */
  public void awaitTermination() throws StreamingQueryException {
    query.awaitTermination();
  }

  /** Stops the query (pending requests are answered 503 by the source) and drops its checkpoint. */
  @Override
  public void close() {
    try {
      if (query.isActive()) {
        LOG.info("Stopping the service's query");
        query.stop();
      }
    } catch (TimeoutException e) {
      LOG.warn("The service's query did not stop in time: {}", e.getMessage());
    } catch (RuntimeException e) {
      // Spark already shutting down (its context stopped first): the query is gone anyway.
      LOG.debug("Stopping the service's query: {}", e.toString());
    } finally {
      if (ownsCheckpoint) {
        deleteQuietly(checkpoint);
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("Could not delete {}: {}", dir, e.toString());
    }
  }

  /** One warm-up task: loads this executor's shared model and embeds one text. Executor. */
  static final class WarmUp implements Function<Integer, ModelInfo> {
    private static final long serialVersionUID = 1L;
    private final ModelSpec spec;

    WarmUp(ModelSpec spec) {
      this.spec = spec;
    }

    @Override
    public ModelInfo call(Integer ignored) {
      Embedder embedder = ExecutorModels.get(spec);
      embedder.embed(List.of("warm-up"));
      ModelInfo info =
          new ModelInfo(embedder.modelName(), embedder.dimension(), embedder.maxSequenceLength());
      ServiceState.modelLoaded(info);
      return info;
    }
  }
}
