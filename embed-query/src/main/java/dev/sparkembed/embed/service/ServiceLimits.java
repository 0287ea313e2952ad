package dev.sparkembed.embed.service;

import dev.sparkembed.serving.conf.ServingErrors;
import java.io.Serializable;

/**
 * The service's per-request limits, validated once on the driver and shipped to executors (three
 * numbers). Every limit has a clear error that names it: see {@link ApiErrors}.
 *
 * @param maxTextsPerRequest texts in one request (OpenAI's own limit is 2048)
 * @param maxCharsPerText characters in one text; longer texts are refused before tokenising
 * @param maxBodyBytes bytes in one request body, for every endpoint (the batch endpoint included)
 */
public record ServiceLimits(int maxTextsPerRequest, int maxCharsPerText, long maxBodyBytes)
    implements Serializable {

  public static final int DEFAULT_MAX_TEXTS_PER_REQUEST = 2048;
  public static final int DEFAULT_MAX_CHARS_PER_TEXT = 65_536;
  public static final long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;

  public ServiceLimits {
    require("max-texts-per-request", maxTextsPerRequest, 1, 1_000_000);
    require("max-chars-per-text", maxCharsPerText, 1, 100_000_000);
    require("max-body-bytes", maxBodyBytes, 1024, Integer.MAX_VALUE - 8);
  }

  public static ServiceLimits defaults() {
    return new ServiceLimits(
        DEFAULT_MAX_TEXTS_PER_REQUEST, DEFAULT_MAX_CHARS_PER_TEXT, DEFAULT_MAX_BODY_BYTES);
  }

  private static void require(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw ServingErrors.invalidOption("--" + option, value, min + "-" + max);
    }
  }
}
