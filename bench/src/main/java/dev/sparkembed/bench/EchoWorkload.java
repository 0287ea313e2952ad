package dev.sparkembed.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The echo job's workload: POST {@code {"text": "..."}} and expect {@code {"length": n}}, where n
 * is the text's length in characters. Text lengths cycle through {@link #DISTINCT_LENGTHS} values,
 * so requests in flight at the same time expect different replies and a reply delivered to the
 * wrong client is detected (as a {@link ErrorKind#WRONG_BODY} error). Texts are plain ASCII
 * letters, so characters, code points and bytes agree. Thread-safe; runs in the load generator's
 * JVM.
 */
public final class EchoWorkload implements Workload {
  /** More than the largest connection count we measure, so concurrent requests all differ. */
  public static final int DISTINCT_LENGTHS = 512;

  private static final int MIN_LENGTH = 8;

  private final PlannedRequest[] requests = new PlannedRequest[DISTINCT_LENGTHS];
  private final AtomicLong sequence = new AtomicLong();

  public EchoWorkload(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < DISTINCT_LENGTHS; i++) {
      int length = MIN_LENGTH + i;
      StringBuilder text = new StringBuilder(length);
      for (int c = 0; c < length; c++) {
        text.append((char) ('a' + random.nextInt(26)));
      }
      requests[i] = request(text.toString());
    }
  }

  public EchoWorkload() {
    this(42);
  }

  @Override
  public PlannedRequest next() {
    return requests[(int) (sequence.getAndIncrement() % DISTINCT_LENGTHS)];
  }

  /** The request for one text: body {@code {"text": "<text>"}}, reply {@code {"length":n}}. */
  public static PlannedRequest request(String asciiText) {
    byte[] body = ("{\"text\": \"" + asciiText + "\"}").getBytes(StandardCharsets.UTF_8);
    String expected = "{\"length\":" + asciiText.length() + "}";
    return new PlannedRequest(body, reply -> sameIgnoringWhitespace(reply, expected), expected);
  }

  /** True when {@code actual} equals {@code expected} once JSON whitespace is removed. */
  static boolean sameIgnoringWhitespace(String actual, String expected) {
    int j = 0;
    for (int i = 0; i < actual.length(); i++) {
      char c = actual.charAt(i);
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        continue;
      }
      if (j >= expected.length() || expected.charAt(j) != c) {
        return false;
      }
      j++;
    }
    return j == expected.length();
  }
}
