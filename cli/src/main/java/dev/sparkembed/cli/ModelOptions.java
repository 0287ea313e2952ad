package dev.sparkembed.cli;

import dev.sparkembed.embed.engine.ModelSpec;
import picocli.CommandLine.Option;

/**
 * {@code --model}, {@code --device} and {@code --engine}, shared by the commands that load the
 * model (a picocli mixin), so their names, defaults and help read the same everywhere. Driver.
 */
final class ModelOptions {

  @Option(
      names = "--model",
      defaultValue = "all-minilm-l6-v2",
      paramLabel = "NAME|PATH",
      description =
          "Built-in model (all-minilm-l6-v2, all-minilm-l6-v2-q, bge-small-en-v1.5-q) or a model"
              + " directory (model.onnx or model.pt + tokenizer.json). Default: ${DEFAULT-VALUE}.")
  String model;

  @Option(
      names = "--device",
      defaultValue = "auto",
      paramLabel = "auto|cpu|cuda",
      description = "Where the model runs. Default: ${DEFAULT-VALUE}.")
  String device;

  @Option(
      names = "--engine",
      defaultValue = "onnxruntime",
      paramLabel = "onnxruntime|pytorch",
      description =
          "DJL engine: onnxruntime (model.onnx) or pytorch (TorchScript model.pt; needs a"
              + " -Ppytorch build). Default: ${DEFAULT-VALUE}.")
  String engine;

  /** The model spec these options name; bad values fail naming the option. */
  ModelSpec spec() {
    return ModelSpec.parse(model).withDevice(device).withEngine(engine);
  }
}
