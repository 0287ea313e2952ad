package dev.sparkembed.embed.engine;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import ai.djl.util.PairList;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;
import dev.sparkembed.embed.tokenize.DjlOffline;
import dev.sparkembed.embed.tokenize.PaddedBatch;
import dev.sparkembed.embed.tokenize.TextTokenizer;
import dev.sparkembed.embed.tokenize.TokenizedText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Embedder} on DJL: a HuggingFace tokenizer, a DJL {@link Model} on ONNX Runtime (or
 * PyTorch), batches by token budget sorted by length, pooling and L2 normalisation. One instance
 * per model and device per JVM (see {@link ExecutorModels}); thread-safe, since every call takes
 * its own {@link Predictor} and ONNX Runtime sessions accept concurrent runs. Executor side.
 */
final class DjlEmbedder implements Embedder {
  private static final Logger LOG = LoggerFactory.getLogger(DjlEmbedder.class);
  private static final Set<String> KNOWN_INPUTS =
      Set.of(
          EmbeddingTranslator.INPUT_IDS,
          EmbeddingTranslator.ATTENTION_MASK,
          EmbeddingTranslator.TOKEN_TYPE_IDS);
  private static final List<String> TORCHSCRIPT_INPUTS =
      List.of(
          EmbeddingTranslator.INPUT_IDS,
          EmbeddingTranslator.ATTENTION_MASK,
          EmbeddingTranslator.TOKEN_TYPE_IDS);

  private final String name;
  private final TextTokenizer tokenizer;
  private final Model model;
  private final SessionOptions sessionOptions;
  private final EmbeddingTranslator translator;
  private final int batchTokenBudget;
  private final String device;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile int dimension;

  private DjlEmbedder(
      String name,
      TextTokenizer tokenizer,
      Model model,
      SessionOptions sessionOptions,
      EmbeddingTranslator translator,
      int batchTokenBudget,
      String device) {
    this.name = name;
    this.tokenizer = tokenizer;
    this.model = model;
    this.sessionOptions = sessionOptions;
    this.translator = translator;
    this.batchTokenBudget = batchTokenBudget;
    this.device = device;
  }

  /**
   * Loads the model and its tokenizer, then embeds one empty text (learns the dimension, warms up).
   *
   * @param threads engine threads for this model
   * @param gpuIndex the GPU to use if the device resolves to CUDA
   */
  static DjlEmbedder load(ModelSpec spec, int threads, int gpuIndex) {
    DjlOffline.apply();
    EngineChoice engine = spec.engine();
    if (!engine.isOnClasspath()) {
      throw EngineErrors.engineMissing(engine);
    }
    long start = System.nanoTime();
    int engineThreads = threads;
    if (engine == EngineChoice.ONNX_RUNTIME) {
      EngineRuntime.init();
    } else {
      // Before anything asks the engine about GPUs: its thread settings apply only at start.
      engineThreads = TorchEngineSettings.start(threads);
    }
    ModelFiles files = ModelFiles.resolve(spec);
    int gpu = DeviceResolver.JVM.resolve(spec.device(), engine, gpuIndex);
    TextTokenizer tokenizer;
    try {
      tokenizer = TextTokenizer.load(files.tokenizerFile(), files.maxSequenceLength());
    } catch (IOException | RuntimeException e) {
      throw EngineErrors.unreadable(files.tokenizerFile(), "tokenizer file", e);
    }
    SessionOptions options = null;
    Model model = null;
    try {
      if (engine == EngineChoice.ONNX_RUNTIME) {
        options = OrtSessionSettings.create(threads, gpu);
        model = Model.newInstance(files.name(), Device.cpu(), engine.djlName());
        model.load(files.modelFile(), null, Map.of("sessionOptions", options));
      } else {
        Device d = gpu >= 0 ? Device.gpu(gpu) : Device.cpu();
        model = Model.newInstance(files.name(), d, engine.djlName());
        model.load(files.modelFile(), null, Map.of());
      }
      List<String> inputs =
          engine == EngineChoice.ONNX_RUNTIME
              ? inputNames(model, files)
              // TorchScript files do not name their inputs: BERT's order, as the exporter writes.
              : TORCHSCRIPT_INPUTS;
      EmbeddingTranslator translator =
          new EmbeddingTranslator(inputs, engine == EngineChoice.ONNX_RUNTIME, files.pooling());
      String where = gpu >= 0 ? "cuda:" + gpu : "cpu";
      DjlEmbedder embedder =
          new DjlEmbedder(
              files.name(), tokenizer, model, options, translator, spec.batchTokenBudget(), where);
      embedder.dimension = embedder.embed(List.of("")).vectors()[0].length;
      LOG.info(
          "Loaded model {} ({}, {}, {}-d, {} pooling, max {} tokens, {} threads) from {} in {} ms",
          files.name(),
          engine.cliName(),
          where,
          embedder.dimension,
          files.pooling().name().toLowerCase(java.util.Locale.ROOT),
          files.maxSequenceLength(),
          engineThreads,
          files.modelFile(),
          (System.nanoTime() - start) / 1_000_000);
      return embedder;
    } catch (IOException | MalformedModelException | OrtException | RuntimeException e) {
      tokenizer.close();
      if (model != null) {
        model.close();
      }
      if (options != null) {
        options.close();
      }
      if (e instanceof ModelLoadException) {
        throw (ModelLoadException) e;
      }
      throw EngineErrors.unreadable(files.modelFile(), "model file", e);
    }
  }

  private static List<String> inputNames(Model model, ModelFiles files) {
    PairList<String, Shape> described = model.describeInput();
    List<String> names = new ArrayList<>();
    if (described == null || described.isEmpty()) {
      return TORCHSCRIPT_INPUTS;
    }
    for (String n : described.keys()) {
      if (!KNOWN_INPUTS.contains(n)) {
        throw new ModelLoadException(
            "Cannot load model: "
                + files.modelFile()
                + " takes an input named '"
                + n
                + "' (expected inputs among "
                + KNOWN_INPUTS
                + ", as BERT-style text encoders take)");
      }
      names.add(n);
    }
    return names;
  }

  @Override
  public EmbeddingResult embed(List<String> texts) {
    if (closed.get()) {
      throw new IllegalStateException("Model " + name + " is closed");
    }
    int n = texts.size();
    for (int i = 0; i < n; i++) {
      if (texts.get(i) == null) {
        throw EngineErrors.nullText(i);
      }
    }
    float[][] vectors = new float[n][];
    int[] tokenCounts = new int[n];
    if (n == 0) {
      return new EmbeddingResult(vectors, tokenCounts, 0);
    }
    TokenizedText[] tokens = tokenizer.encode(texts);
    int truncated = 0;
    for (int i = 0; i < n; i++) {
      tokenCounts[i] = tokens[i].length();
      if (tokens[i].truncated()) {
        truncated++;
      }
    }
    try (Predictor<PaddedBatch, float[][]> predictor = model.newPredictor(translator)) {
      for (int[] batch : BatchPlan.plan(tokenCounts, batchTokenBudget)) {
        float[][] out = predictor.predict(PaddedBatch.of(tokens, batch));
        for (int r = 0; r < batch.length; r++) {
          vectors[batch[r]] = out[r];
        }
      }
    } catch (TranslateException e) {
      throw new IllegalStateException(
          "Model " + name + " failed on a batch: " + EngineErrors.rootMessage(e), e);
    }
    LOG.debug("Embedded {} texts ({} truncated) with {}", n, truncated, name);
    return new EmbeddingResult(vectors, tokenCounts, truncated);
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public String modelName() {
    return name;
  }

  @Override
  public int maxSequenceLength() {
    return tokenizer.maxLength();
  }

  @Override
  public String device() {
    return device;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      model.close();
      tokenizer.close();
      if (sessionOptions != null) {
        sessionOptions.close();
      }
      LOG.info("Closed model {}", name);
    }
  }
}
