package dev.sparkembed.embed.tokenize;

/**
 * One text's word pieces as the model sees them: token ids and type ids, special tokens included,
 * not padded; {@code truncated} when the text was cut at the model's maximum sequence length.
 * Executor side (or the driver in local mode).
 */
public record TokenizedText(long[] ids, long[] typeIds, boolean truncated) {

  /** Tokens fed to the model for this text, special tokens included. */
  public int length() {
    return ids.length;
  }
}
