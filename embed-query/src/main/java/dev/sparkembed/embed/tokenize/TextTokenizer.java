package dev.sparkembed.embed.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A HuggingFace tokenizer (DJL's Rust bindings, native library loaded offline from its jar) set up
 * the way sentence-transformers feeds a model: special tokens added, truncation at the model's
 * maximum sequence length (e.g. {@code [CLS]} + 254 pieces + {@code [SEP]} = 256), and no padding
 * (the tokenizer.json files in the model artifacts store a fixed padding to 128 and a truncation at
 * 128, both overridden here; batches are padded to their longest row by {@link PaddedBatch}).
 * Thread-safe; lives as long as its model, on executors or the driver.
 */
public final class TextTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
  }

  /**
   * Loads {@code tokenizer.json}.
   *
   * @throws IOException when the file cannot be read
   * @throws RuntimeException from the native library when the file is not a valid tokenizer
   */
  public static TextTokenizer load(Path tokenizerJson, int maxLength) throws IOException {
    DjlOffline.apply();
    String max = String.valueOf(maxLength);
    Map<String, String> options =
        Map.of(
            "addSpecialTokens", "true",
            "truncation", "true",
            "padding", "false",
            "maxLength", max,
            "modelMaxLength", max);
    return new TextTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options), maxLength);
  }

  public int maxLength() {
    return maxLength;
  }

  /** Tokenises every text (one native call for the whole list); same order as the input. */
  public TokenizedText[] encode(List<String> texts) {
    Encoding[] encodings = tokenizer.batchEncode(texts.toArray(new String[0]));
    TokenizedText[] out = new TokenizedText[encodings.length];
    for (int i = 0; i < encodings.length; i++) {
      Encoding e = encodings[i];
      out[i] = new TokenizedText(e.getIds(), e.getTypeIds(), e.exceedMaxLength());
    }
    return out;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
