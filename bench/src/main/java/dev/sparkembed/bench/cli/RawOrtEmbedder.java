package dev.sparkembed.bench.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import dev.sparkembed.embed.engine.EngineRuntime;
import dev.sparkembed.embed.engine.OrtSessionSettings;
import dev.sparkembed.embed.tokenize.PaddedBatch;
import dev.sparkembed.embed.tokenize.TextTokenizer;
import dev.sparkembed.embed.tokenize.TokenizedText;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's baseline: a plain ONNX Runtime session with the same tokenizer and session
 * settings as the engine, one run per call (every text padded to the longest), only the token
 * embeddings output fetched, mean pooling and L2 normalisation in plain loops. What the engine's
 * DJL path is measured against. Driver side (CLI only).
 */
final class RawOrtEmbedder implements AutoCloseable {
  private final OrtEnvironment env;
  private final TextTokenizer tokenizer;
  private final SessionOptions options;
  private final OrtSession session;
  private final Set<String> inputs;
  private final String output;

  RawOrtEmbedder(Path modelDir, int maxLength, int threads) throws IOException, OrtException {
    EngineRuntime.init(); // DJL must create the OrtEnvironment first
    env = OrtEnvironment.getEnvironment();
    tokenizer = TextTokenizer.load(modelDir.resolve("tokenizer.json"), maxLength);
    options = OrtSessionSettings.create(threads, -1);
    session = env.createSession(modelDir.resolve("model.onnx").toString(), options);
    inputs = session.getInputNames();
    output = session.getOutputNames().iterator().next();
  }

  float[][] embed(List<String> texts) throws OrtException {
    TokenizedText[] tokens = tokenizer.encode(texts);
    int[] all = new int[tokens.length];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    PaddedBatch batch = PaddedBatch.of(tokens, all);
    long[] shape = {batch.rows(), batch.sequenceLength()};
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      feed.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.inputIds()), shape));
      feed.put(
          "attention_mask",
          OnnxTensor.createTensor(env, LongBuffer.wrap(batch.attentionMask()), shape));
      if (inputs.contains("token_type_ids")) {
        feed.put(
            "token_type_ids",
            OnnxTensor.createTensor(env, LongBuffer.wrap(batch.tokenTypeIds()), shape));
      }
      try (OrtSession.Result result = session.run(feed, Set.of(output))) {
        OnnxTensor hidden = (OnnxTensor) result.get(0);
        long[] s = hidden.getInfo().getShape();
        FloatBuffer data = hidden.getFloatBuffer();
        return meanPool(data, batch, (int) s[1], (int) s[2]);
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  private static float[][] meanPool(FloatBuffer data, PaddedBatch batch, int seq, int dim) {
    float[][] out = new float[batch.rows()][dim];
    for (int r = 0; r < batch.rows(); r++) {
      int n = batch.lengths()[r];
      float[] v = out[r];
      for (int t = 0; t < n; t++) {
        int off = (r * seq + t) * dim;
        for (int d = 0; d < dim; d++) {
          v[d] += data.get(off + d);
        }
      }
      double norm = 0;
      for (float x : v) {
        norm += (double) x * x;
      }
      float inv = (float) (1.0 / Math.max(Math.sqrt(norm), 1e-12));
      for (int d = 0; d < dim; d++) {
        v[d] *= inv;
      }
    }
    return out;
  }

  @Override
  public void close() throws OrtException {
    session.close();
    options.close();
    tokenizer.close();
  }
}
