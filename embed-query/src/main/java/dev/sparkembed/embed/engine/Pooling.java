package dev.sparkembed.embed.engine;

/**
 * How token embeddings become one sentence vector, as sentence-transformers' {@code
 * 1_Pooling/config.json} says: the mean over the attention mask, or the first ([CLS]) token.
 */
public enum Pooling {
  MEAN,
  CLS
}
