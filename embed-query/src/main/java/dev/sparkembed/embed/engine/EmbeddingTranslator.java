package dev.sparkembed.embed.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.sparkembed.embed.tokenize.PaddedBatch;
import java.nio.LongBuffer;
import java.util.List;

/**
 * DJL translator from one {@link PaddedBatch} to its pooled, L2-normalised vectors. The input is
 * already a batch (padding and batching are ours, by token budget), so no DJL batchifier runs.
 * Inputs are named as the model declares them; the first token-level output ({@code [rows, seq,
 * dim]}, e.g. {@code output_0} / {@code last_hidden_state}) is pooled, and BERT's pooler output is
 * ignored. A model whose first output is already {@code [rows, dim]} is only normalised. Stateless
 * and thread-safe; executor side.
 */
final class EmbeddingTranslator implements NoBatchifyTranslator<PaddedBatch, float[][]> {
  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String TOKEN_TYPE_IDS = "token_type_ids";
  private static final String BATCH = "batch";

  private final List<String> inputNames;
  private final boolean named;
  private final Pooling pooling;

  /**
   * @param inputNames the model's inputs in its order, each one of {@link #INPUT_IDS}, {@link
   *     #ATTENTION_MASK}, {@link #TOKEN_TYPE_IDS}
   * @param named whether to pass inputs by name (ONNX Runtime) or by position (TorchScript)
   */
  EmbeddingTranslator(List<String> inputNames, boolean named, Pooling pooling) {
    this.inputNames = List.copyOf(inputNames);
    this.named = named;
    this.pooling = pooling;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, PaddedBatch batch) {
    ctx.setAttachment(BATCH, batch);
    NDManager manager = ctx.getNDManager();
    Shape shape = new Shape(batch.rows(), batch.sequenceLength());
    NDList inputs = new NDList(inputNames.size());
    for (String name : inputNames) {
      long[] data;
      switch (name) {
        case INPUT_IDS:
          data = batch.inputIds();
          break;
        case ATTENTION_MASK:
          data = batch.attentionMask();
          break;
        default:
          data = batch.tokenTypeIds();
          break;
      }
      NDArray array = manager.create(LongBuffer.wrap(data), shape, DataType.INT64);
      if (named) {
        array.setName(name);
      }
      inputs.add(array);
    }
    return inputs;
  }

  @Override
  public float[][] processOutput(TranslatorContext ctx, NDList outputs) {
    PaddedBatch batch = (PaddedBatch) ctx.getAttachment(BATCH);
    NDArray tokens = null;
    for (NDArray out : outputs) {
      if (out.getShape().dimension() == 3) {
        tokens = out;
        break;
      }
    }
    if (tokens != null) {
      Shape s = tokens.getShape();
      int dim = (int) s.get(2);
      return Pooler.pool(
          toFloats(tokens), batch.rows(), (int) s.get(1), dim, batch.lengths(), pooling);
    }
    NDArray pooled = outputs.get(0);
    Shape s = pooled.getShape();
    if (s.dimension() != 2 || s.get(0) != batch.rows()) {
      throw new IllegalStateException(
          "The model's outputs have shapes "
              + outputs.getShapes()
              + " (expected token embeddings [rows, seq, dim] or sentence embeddings [rows, dim])");
    }
    return Pooler.normaliseRows(toFloats(pooled), batch.rows(), (int) s.get(1));
  }

  private static float[] toFloats(NDArray array) {
    return array.getDataType() == DataType.FLOAT32
        ? array.toFloatArray()
        : array.toType(DataType.FLOAT32, false).toFloatArray();
  }
}
