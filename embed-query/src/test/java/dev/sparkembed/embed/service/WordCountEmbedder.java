package dev.sparkembed.embed.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny deterministic model for wire-format tests: each text's vector is a function of its bytes,
 * one "token" per word plus two specials, and texts over the context are cut. It records every
 * call, so tests can assert how many model calls a batch made and with which texts.
 */
final class WordCountEmbedder implements TextEmbedder {
  static final ModelInfo MODEL = new ModelInfo("tiny-test-model", 4, 8);

  final List<List<String>> calls = new ArrayList<>();

  @Override
  public ModelInfo model() {
    return MODEL;
  }

  @Override
  public Embeddings embed(List<String> texts) {
    calls.add(List.copyOf(texts));
    int n = texts.size();
    float[][] vectors = new float[n][];
    int[] tokens = new int[n];
    boolean[] truncated = new boolean[n];
    for (int i = 0; i < n; i++) {
      vectors[i] = vectorOf(texts.get(i));
      int words = texts.get(i).isBlank() ? 0 : texts.get(i).trim().split("\\s+").length;
      tokens[i] = Math.min(words + 2, MODEL.maxSequenceLength());
      truncated[i] = words + 2 > MODEL.maxSequenceLength();
    }
    return new Embeddings(vectors, tokens, truncated);
  }

  /** The vector this model gives a text: length, first byte, last byte, a constant. */
  static float[] vectorOf(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return new float[] {
      text.length(), b.length == 0 ? 0 : b[0], b.length == 0 ? 0 : b[b.length - 1], 0.5f
    };
  }
}
