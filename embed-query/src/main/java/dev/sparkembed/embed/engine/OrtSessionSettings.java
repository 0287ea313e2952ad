package dev.sparkembed.embed.engine;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;

/**
 * The ONNX Runtime session options of one model: intra-op threads = the cores a task owns (so two
 * tasks of one executor don't fight over the machine's cores), one inter-op thread, intra-op
 * spin-waiting off (measured 1.1-1.55x faster when another process holds a core, no cost when
 * quiet), and the CUDA provider on the assigned GPU when the device resolved to CUDA. Used by the
 * engine and by the raw ONNX Runtime baseline of the benchmark, so both run alike. Executor side.
 */
public final class OrtSessionSettings {
  private OrtSessionSettings() {}

  /**
   * @param threads intra-op threads (at least 1)
   * @param gpuIndex CUDA device index, or a negative number for the CPU
   */
  public static SessionOptions create(int threads, int gpuIndex) throws OrtException {
    SessionOptions options = new SessionOptions();
    try {
      options.setIntraOpNumThreads(Math.max(1, threads));
      options.setInterOpNumThreads(1);
      options.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      options.addConfigEntry("session.inter_op.allow_spinning", "0");
      if (gpuIndex >= 0) {
        options.addCUDA(gpuIndex);
      }
      return options;
    } catch (OrtException | RuntimeException e) {
      options.close();
      throw e;
    }
  }
}
