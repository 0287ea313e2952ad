package dev.sparkembed.bench.cli;

import dev.sparkembed.embed.engine.Embedder;
import dev.sparkembed.embed.engine.EmbeddingResult;
import dev.sparkembed.embed.engine.ModelSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The raw engine on the bench's texts, in this JVM with all cores: the vectors that replies are
 * checked against, the time of one short text, and texts per second for each request size.
 */
final class RawEngineMeasurement {
  final float[] firstValues;
  final double singleTextP50Ms;
  private final List<Integer> sizes = new ArrayList<>();
  private final List<Double> textsPerSecond = new ArrayList<>();

  private RawEngineMeasurement(float[] firstValues, double singleTextP50Ms) {
    this.firstValues = firstValues;
    this.singleTextP50Ms = singleTextP50Ms;
  }

  static RawEngineMeasurement measure(
      ModelSpec spec, List<String> pool, List<Integer> sizes, Duration duration) {
    try (Embedder embedder = Embedder.open(spec)) {
      EmbeddingResult all = embedder.embed(pool);
      float[] first = new float[pool.size()];
      for (int i = 0; i < first.length; i++) {
        first[i] = all.vectors()[i][0];
      }
      // One short text, one call at a time: the model's own latency.
      long[] nanos = new long[200];
      for (int i = 0; i < 20; i++) {
        embedder.embed(List.of(pool.get(i)));
      }
      for (int i = 0; i < nanos.length; i++) {
        long t = System.nanoTime();
        embedder.embed(List.of(pool.get(i % pool.size())));
        nanos[i] = System.nanoTime() - t;
      }
      Arrays.sort(nanos);
      RawEngineMeasurement raw = new RawEngineMeasurement(first, nanos[nanos.length / 2] / 1e6);
      for (int size : sizes) {
        raw.sizes.add(size);
        raw.textsPerSecond.add(throughput(embedder, pool, size, duration));
      }
      return raw;
    }
  }

  /** Texts per second embedding {@code size} texts per call, back to back, for {@code d}. */
  private static double throughput(Embedder embedder, List<String> pool, int size, Duration d) {
    List<List<String>> calls = new ArrayList<>();
    for (int r = 0; r < 64; r++) {
      List<String> call = new ArrayList<>(size);
      for (int k = 0; k < size; k++) {
        call.add(pool.get((r + k * 37) % pool.size()));
      }
      calls.add(call);
    }
    long warmEnd = System.nanoTime() + Math.min(d.toNanos() / 5, 2_000_000_000L);
    int i = 0;
    while (System.nanoTime() < warmEnd) {
      embedder.embed(calls.get(i++ % calls.size()));
    }
    long start = System.nanoTime();
    long end = start + d.toNanos();
    long done = 0;
    while (System.nanoTime() < end) {
      embedder.embed(calls.get(i++ % calls.size()));
      done += size;
    }
    return done / ((System.nanoTime() - start) / 1e9);
  }

  double textsPerSecond(int size) {
    return textsPerSecond.get(sizes.indexOf(size));
  }

  String describeThroughput(List<Integer> sizes) {
    StringBuilder sb = new StringBuilder();
    for (int s : sizes) {
      sb.append(sb.length() == 0 ? "" : ", ")
          .append(String.format(Locale.ROOT, "%,.0f texts/s at %d per call", textsPerSecond(s), s));
    }
    return sb.toString();
  }

  Map<String, Double> throughputFacts(List<Integer> sizes) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int s : sizes) {
      m.put(s + " per call", textsPerSecond(s));
    }
    return m;
  }
}
