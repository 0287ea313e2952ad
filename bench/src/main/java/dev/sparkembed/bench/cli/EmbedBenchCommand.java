package dev.sparkembed.bench.cli;

import dev.sparkembed.bench.BenchReport;
import dev.sparkembed.embed.engine.DeviceChoice;
import dev.sparkembed.embed.engine.EngineChoice;
import dev.sparkembed.embed.engine.EngineErrors;
import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.serving.conf.ServingErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spark-embed bench embed}: the engine's throughput against a raw ONNX Runtime session, the
 * Spark transformer and langchain4j; prints a table and writes JSON (see {@link EmbedBenchmark}).
 */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    description = {
      "Sentences/s of (1) raw ONNX Runtime (baseline), (2) the engine, (2b) the engine on"
          + " PyTorch (--engine pytorch), (3) the Spark transformer on local[2], (4) langchain4j,"
          + " for short and long texts and several batch sizes;"
          + " plus the int8 model's speed and cosine to the fp32 reference.",
      "Timings on a shared machine are noisy: compare ratios within one run."
    })
final class EmbedBenchCommand implements Callable<Integer> {

  @Option(
      names = "--duration",
      defaultValue = "3",
      description = "Seconds per measurement. Default: ${DEFAULT-VALUE}.")
  double seconds;

  @Option(
      names = "--quick",
      description = "Quick mode: 1 s per measurement, batch sizes 1 and 32 only.")
  boolean quick;

  @Option(
      names = "--batch-sizes",
      split = ",",
      defaultValue = "1,8,32,128",
      description = "Batch sizes. Default: ${DEFAULT-VALUE}.")
  List<Integer> batchSizes;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description =
          "ONNX Runtime threads for (1) and (2); 0: all cores. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(
      names = "--engine",
      defaultValue = "onnxruntime",
      paramLabel = "onnxruntime|pytorch",
      description =
          "pytorch adds (2b), the engine on DJL's PyTorch with the TorchScript model of --model,"
              + " measured in the same rounds as (1) and (2) (needs a -Ppytorch build)."
              + " Default: ${DEFAULT-VALUE}.")
  String engine;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "TorchScript model directory for --engine pytorch, made by"
              + " scripts/export-torchscript.sh DIR. Default: target/torchscript/all-minilm-l6-v2"
              + " in the project (where scripts/ci-pytorch.sh writes it).")
  Path torchscriptModel;

  @Option(names = "--no-spark", description = "Skip (3), the Spark transformer.")
  boolean noSpark;

  @Option(names = "--no-langchain4j", description = "Skip (4), langchain4j.")
  boolean noLangchain4j;

  @Option(
      names = "--output",
      defaultValue = "target/bench/embed.json",
      description = "JSON report file. Default: ${DEFAULT-VALUE}.")
  Path output;

  @Override
  public Integer call() throws Exception {
    double duration = quick ? 1 : seconds;
    List<Integer> sizes = quick ? List.of(1, 32) : batchSizes;
    for (int b : sizes) {
      if (b < 1 || b > 4096) {
        System.err.println(
            "spark-embed bench embed: Invalid option '--batch-sizes': " + b + " (expected 1-4096)");
        return 2;
      }
    }
    if (duration <= 0 || duration > 600) {
      System.err.println(
          "spark-embed bench embed: Invalid option '--duration': "
              + duration
              + " (expected 0-600 seconds)");
      return 2;
    }
    ModelSpec pytorch;
    try {
      pytorch = pytorchSpec();
    } catch (IllegalArgumentException e) {
      System.err.println("spark-embed bench embed: " + e.getMessage());
      return 2;
    }
    int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    EmbedBenchmark bench =
        new EmbedBenchmark(duration, sizes, t, !noSpark, !noLangchain4j, pytorch, System.err);
    BenchReport report = bench.run();
    report.printTable(System.out);
    report.writeJson(output);
    System.out.println();
    System.out.println("JSON report: " + output.toAbsolutePath());
    return 0;
  }

  /** The PyTorch engine's spec for --engine pytorch, else null; bad values name the option. */
  private ModelSpec pytorchSpec() {
    EngineChoice choice = EngineChoice.parse(engine);
    if (choice != EngineChoice.PYTORCH) {
      if (torchscriptModel != null) {
        throw ServingErrors.invalidOption(
            "--model", EngineErrors.shown(torchscriptModel.toString()), "--engine pytorch");
      }
      return null;
    }
    Path dir =
        torchscriptModel != null
            ? torchscriptModel
            : Path.of(System.getProperty("spark.embed.home", "."))
                .resolve("target/torchscript/all-minilm-l6-v2");
    if (!Files.isRegularFile(dir.resolve("model.pt"))) {
      throw ServingErrors.invalidOption(
          "--model",
          EngineErrors.shown(dir.toString()),
          "a directory with model.pt, made by scripts/export-torchscript.sh DIR");
    }
    return ModelSpec.parse(dir.toAbsolutePath().toString())
        .withEngine(EngineChoice.PYTORCH)
        .withDevice(DeviceChoice.CPU);
  }
}
