package dev.sparkembed.embed.engine;

/**
 * How token embeddings become one sentence vector, as sentence-transformers' {@code
 * 1_Pooling/config.json} says: the mean over the attention mask, or the first ([CLS]) token. A
 * plain value, used where the model loads (executors, or the driver in local mode).
 */
public enum Pooling {
  MEAN,
  CLS
}
