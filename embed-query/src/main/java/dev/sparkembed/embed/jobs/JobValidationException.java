package dev.sparkembed.embed.jobs;

import java.util.List;

/**
 * A batch job that must not start: every problem found, each a complete sentence built by {@link
 * JobErrors}. Thrown on the driver before anything is written.
 */
public final class JobValidationException extends IllegalArgumentException {
  private final List<String> problems;

  public JobValidationException(List<String> problems) {
    super(summary(problems));
    this.problems = List.copyOf(problems);
  }

  /** The problems, in the order they were found; never empty. */
  public List<String> problems() {
    return problems;
  }

  private static String summary(List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("A validation failure needs at least one problem");
    }
    if (problems.size() == 1) {
      return "Invalid batch job: " + problems.get(0);
    }
    StringBuilder sb =
        new StringBuilder("Invalid batch job (").append(problems.size()).append(" problems):");
    for (String p : problems) {
      sb.append("\n  - ").append(p);
    }
    return sb.toString();
  }
}
