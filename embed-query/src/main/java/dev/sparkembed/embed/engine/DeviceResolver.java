package dev.sparkembed.embed.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides where a model runs from the {@link DeviceChoice} and what this JVM can do: {@code cuda}
 * where the engine has CUDA (ONNX Runtime's GPU build, {@code -Pgpu}; PyTorch's CUDA natives) and a
 * GPU is visible, else the CPU. Asking for CUDA where there is none falls back to the CPU with
 * exactly one warning per JVM. Executor side (and the driver in local mode).
 */
final class DeviceResolver {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceResolver.class);
  static final DeviceResolver JVM = new DeviceResolver(LOG::warn);

  /** {@code -1} means the CPU. */
  static final int CPU = -1;

  private final Consumer<String> warnings;
  private final AtomicBoolean warned = new AtomicBoolean();

  DeviceResolver(Consumer<String> warnings) {
    this.warnings = warnings;
  }

  /** Returns the GPU index to use, or {@link #CPU}. */
  int resolve(DeviceChoice choice, EngineChoice engine, int gpuIndex) {
    return resolve(choice, () -> cudaAvailable(engine), engine, gpuIndex);
  }

  int resolve(DeviceChoice choice, BooleanSupplier cuda, EngineChoice engine, int gpuIndex) {
    switch (choice) {
      case CPU:
        return CPU;
      case AUTO:
        return cuda.getAsBoolean() ? gpuIndex : CPU;
      case CUDA:
        if (cuda.getAsBoolean()) {
          return gpuIndex;
        }
        if (warned.compareAndSet(false, true)) {
          warnings.accept(
              "Device cuda was requested but the "
                  + engine.cliName()
                  + " engine in this JVM has no usable CUDA support ("
                  + describe(engine)
                  + "); running on the CPU instead. "
                  + howToGetCuda(engine));
        }
        return CPU;
      default:
        throw new IllegalStateException("Unknown device " + choice);
    }
  }

  static boolean cudaAvailable(EngineChoice engine) {
    if (engine == EngineChoice.ONNX_RUNTIME) {
      // The GPU build lists its CUDA provider everywhere; without a GPU (or with the GPUs hidden,
      // CUDA_VISIBLE_DEVICES="") loading that provider fails, so a GPU must be visible too.
      return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)
          && ai.djl.util.cuda.CudaUtils.getGpuCount() > 0;
    }
    try {
      return ai.djl.engine.Engine.getEngine(engine.djlName()).getGpuCount() > 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String howToGetCuda(EngineChoice engine) {
    return engine == EngineChoice.ONNX_RUNTIME
        ? "For ONNX Runtime on GPUs build with -Pgpu (com.microsoft.onnxruntime:onnxruntime_gpu) "
            + "on a machine with CUDA."
        : "For PyTorch on GPUs give the JVM DJL's CUDA build of PyTorch "
            + "(PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR: see the README) on a machine "
            + "with CUDA.";
  }

  private static String describe(EngineChoice engine) {
    if (engine == EngineChoice.ONNX_RUNTIME) {
      EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
      return "execution providers: " + providers;
    }
    return "no GPU visible to the engine";
  }
}
