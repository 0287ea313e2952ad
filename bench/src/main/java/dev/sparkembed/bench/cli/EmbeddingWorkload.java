package dev.sparkembed.bench.cli;

import dev.sparkembed.bench.PlannedRequest;
import dev.sparkembed.bench.Workload;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench service}'s requests: OpenAI {@code /v1/embeddings} bodies of {@code textsPerRequest}
 * short texts, cycling through {@value #DISTINCT} distinct requests. Each reply is checked against
 * the raw engine's vectors for the same texts (the first value of the first and last vector, and
 * the count), so a reply delivered to the wrong client, or vectors in the wrong order, count as
 * errors. Thread-safe; runs in the benchmarking JVM.
 */
final class EmbeddingWorkload implements Workload {
  static final int DISTINCT = 512;

  /** Vector values must agree this closely (batch composition changes only float noise). */
  static final double TOLERANCE = 1e-3;

  private static final String[] WORDS = {
    "spark", "vector", "search", "river", "mountain", "coffee", "garden", "music", "train",
    "window", "cloud", "paper", "summer", "engine", "market", "letter", "doctor", "yellow",
    "quiet", "bridge", "winter", "forest", "story", "silver", "planet", "kitchen", "orange",
    "castle", "teacher", "morning", "island", "number"
  };

  private final PlannedRequest[] requests;
  private final AtomicLong sequence = new AtomicLong();

  /**
   * @param texts the text pool ({@link #texts})
   * @param firstValues the raw engine's first vector component for each text of the pool
   */
  EmbeddingWorkload(List<String> texts, float[] firstValues, int textsPerRequest) {
    requests = new PlannedRequest[DISTINCT];
    for (int r = 0; r < DISTINCT; r++) {
      List<Integer> picks = new ArrayList<>(textsPerRequest);
      for (int k = 0; k < textsPerRequest; k++) {
        picks.add((r + k * 37) % texts.size());
      }
      requests[r] = request(texts, firstValues, picks);
    }
  }

  @Override
  public PlannedRequest next() {
    return requests[(int) (sequence.getAndIncrement() % DISTINCT)];
  }

  PlannedRequest first() {
    return requests[0];
  }

  /** {@code count} short sentences (8-12 words), the same for a given seed. */
  static List<String> texts(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> texts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int words = 8 + random.nextInt(5);
      StringBuilder sb = new StringBuilder();
      for (int w = 0; w < words; w++) {
        sb.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
      }
      texts.add(sb.append(" ").append(i).append('.').toString());
    }
    return texts;
  }

  private static PlannedRequest request(
      List<String> texts, float[] firstValues, List<Integer> picks) {
    StringBuilder body = new StringBuilder("{\"model\":\"bench\",\"input\":[");
    for (int k = 0; k < picks.size(); k++) {
      body.append(k == 0 ? "" : ",").append('"').append(texts.get(picks.get(k))).append('"');
    }
    body.append("]}");
    float first = firstValues[picks.get(0)];
    float last = firstValues[picks.get(picks.size() - 1)];
    int count = picks.size();
    String expected =
        String.format(Locale.ROOT, "%d embeddings, first values %.5f ... %.5f", count, first, last);
    return new PlannedRequest(
        body.toString().getBytes(StandardCharsets.UTF_8),
        reply -> matches(reply, count, first, last),
        expected);
  }

  /** Counts the embeddings and compares the first value of the first and last one. */
  static boolean matches(String reply, int count, float first, float last) {
    String marker = "\"embedding\":[";
    int seen = 0;
    int at = reply.indexOf(marker);
    int firstAt = at;
    int lastAt = -1;
    while (at >= 0) {
      seen++;
      lastAt = at;
      at = reply.indexOf(marker, at + marker.length());
    }
    return seen == count
        && close(firstNumber(reply, firstAt + marker.length()), first)
        && close(firstNumber(reply, lastAt + marker.length()), last);
  }

  private static double firstNumber(String s, int from) {
    int end = from;
    while (end < s.length() && s.charAt(end) != ',' && s.charAt(end) != ']') {
      end++;
    }
    try {
      return Double.parseDouble(s.substring(from, end));
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      return Double.NaN;
    }
  }

  private static boolean close(double got, float expected) {
    return Math.abs(got - expected) <= TOLERANCE;
  }
}
