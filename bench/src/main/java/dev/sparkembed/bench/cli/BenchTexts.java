package dev.sparkembed.bench.cli;

import dev.sparkembed.embed.tokenize.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic benchmark texts: short ones (~12 word pieces with [CLS]/[SEP]) and long ones
 * (~128), all distinct so no cache can help. Driver side (CLI only).
 */
final class BenchTexts {
  private static final String[] ADJ = {
    "quick", "lazy", "bright", "quiet", "ancient", "modern", "small", "heavy", "gentle", "remote"
  };
  private static final String[] NOUN = {
    "engineer",
    "river",
    "cluster",
    "garden",
    "server",
    "teacher",
    "market",
    "window",
    "planet",
    "library",
    "kitchen",
    "violin"
  };
  private static final String[] VERB = {
    "watches", "builds", "crosses", "repairs", "paints", "visits", "measures", "follows"
  };
  private static final String[] PLACE = {
    "harbour", "station", "museum", "valley", "office", "stadium", "bridge", "forest"
  };

  private BenchTexts() {}

  static List<String> shortTexts(int count, long seed) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(sentence(r, i));
    }
    return out;
  }

  /** Texts of about {@code targetTokens} word pieces (special tokens included). */
  static List<String> longTexts(int count, long seed, int targetTokens, TextTokenizer tokenizer) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      StringBuilder sb = new StringBuilder();
      int j = 0;
      while (true) {
        String next = (sb.length() == 0 ? "" : sb + " ") + sentence(r, i * 31 + j++);
        if (tokenizer.encode(List.of(next))[0].length() > targetTokens) {
          break;
        }
        sb.setLength(0);
        sb.append(next);
      }
      out.add(sb.toString());
    }
    return out;
  }

  static double meanTokens(List<String> texts, TextTokenizer tokenizer) {
    long sum = 0;
    for (var t : tokenizer.encode(texts)) {
      sum += t.length();
    }
    return (double) sum / texts.size();
  }

  private static String sentence(Random r, int i) {
    return "The "
        + ADJ[r.nextInt(ADJ.length)]
        + " "
        + NOUN[r.nextInt(NOUN.length)]
        + " "
        + VERB[r.nextInt(VERB.length)]
        + " the "
        + NOUN[r.nextInt(NOUN.length)]
        + " near the "
        + PLACE[r.nextInt(PLACE.length)]
        + " "
        + i
        + ".";
  }
}
