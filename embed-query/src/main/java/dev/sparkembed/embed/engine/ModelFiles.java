package dev.sparkembed.embed.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkembed.serving.conf.ServingErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files and settings of one model, resolved where it loads (an executor or the driver): the
 * model file, the tokenizer.json, the pooling and the maximum sequence length. For a directory
 * these come from sentence-transformers' {@code 1_Pooling/config.json} and {@code
 * sentence_bert_config.json} when present (mean pooling and 512 word pieces otherwise).
 */
record ModelFiles(
    String name, Path modelFile, Path tokenizerFile, Pooling pooling, int maxSequenceLength) {

  static final int DEFAULT_MAX_SEQUENCE_LENGTH = 512;
  private static final ObjectMapper JSON = new ObjectMapper();

  static ModelFiles resolve(ModelSpec spec) {
    if (spec.isBuiltIn()) {
      BuiltInModel m = spec.builtInModel().orElseThrow();
      if (spec.engine() != EngineChoice.ONNX_RUNTIME) {
        throw ServingErrors.invalidOption(
            "engine",
            EngineErrors.shown(spec.engine().cliName()),
            "onnxruntime for the built-in model " + m.modelName() + " (an ONNX file)");
      }
      Path dir = ModelCache.extract(m);
      return new ModelFiles(
          m.modelName(),
          dir.resolve(ModelCache.MODEL_FILE),
          dir.resolve(ModelCache.TOKENIZER_FILE),
          m.pooling(),
          m.maxSequenceLength());
    }
    return fromDirectory(expandHome(spec.model()), spec.engine());
  }

  static ModelFiles fromDirectory(Path given, EngineChoice engine) {
    Path dir = given;
    Path modelFile;
    if (Files.isRegularFile(given)) {
      modelFile = given;
      dir = given.toAbsolutePath().getParent();
    } else if (Files.isDirectory(given)) {
      modelFile = dir.resolve(engine.modelFileName());
      if (!Files.isRegularFile(modelFile) && engine == EngineChoice.ONNX_RUNTIME) {
        Path nested = dir.resolve("onnx").resolve("model.onnx");
        if (Files.isRegularFile(nested)) {
          modelFile = nested;
        } else if (Files.isRegularFile(dir.resolve("model.pt"))) {
          throw new ModelLoadException(
              "Cannot load model: "
                  + modelFile
                  + " not found, but "
                  + dir.resolve("model.pt")
                  + " is a TorchScript model: select the engine pytorch");
        }
      }
    } else {
      throw EngineErrors.missingFile(given, "model directory");
    }
    if (!Files.isRegularFile(modelFile)) {
      throw EngineErrors.missingFile(modelFile, "model file");
    }
    Path tokenizer = dir.resolve(ModelCache.TOKENIZER_FILE);
    if (!Files.isRegularFile(tokenizer)) {
      throw EngineErrors.missingFile(tokenizer, "tokenizer file");
    }
    Pooling pooling = readPooling(dir.resolve("1_Pooling").resolve("config.json"));
    int maxLength = readMaxSequenceLength(dir.resolve("sentence_bert_config.json"));
    String name = dir.toAbsolutePath().normalize().getFileName().toString();
    return new ModelFiles(name, modelFile, tokenizer, pooling, maxLength);
  }

  private static Pooling readPooling(Path config) {
    if (!Files.isRegularFile(config)) {
      return Pooling.MEAN;
    }
    JsonNode node = readJson(config, "pooling config");
    String mode = node.path("pooling_mode").asText("");
    if (mode.equalsIgnoreCase("cls") || node.path("pooling_mode_cls_token").asBoolean(false)) {
      return Pooling.CLS;
    }
    if (mode.equalsIgnoreCase("mean") || node.path("pooling_mode_mean_tokens").asBoolean(false)) {
      return Pooling.MEAN;
    }
    throw new ModelLoadException(
        "Cannot load model: pooling config "
            + config
            + " asks for a pooling mode this engine does not support: "
            + node
            + " (expected pooling_mode_cls_token or pooling_mode_mean_tokens)");
  }

  private static int readMaxSequenceLength(Path config) {
    if (!Files.isRegularFile(config)) {
      return DEFAULT_MAX_SEQUENCE_LENGTH;
    }
    JsonNode value = readJson(config, "sentence-transformers config").path("max_seq_length");
    if (!value.canConvertToInt() || value.asInt() < 2) {
      throw new ModelLoadException(
          "Cannot load model: sentence-transformers config "
              + config
              + " has max_seq_length "
              + value
              + " (expected an integer >= 2)");
    }
    return value.asInt();
  }

  private static JsonNode readJson(Path file, String what) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw EngineErrors.unreadable(file, what, e);
    }
  }

  private static Path expandHome(String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      return Path.of(System.getProperty("user.home") + path.substring(1));
    }
    return Path.of(path);
  }
}
