package dev.sparkembed.embed.jobs;

import java.util.Locale;

/**
 * What one finished batch job did, for the CLI's summary and the controller's job status. Driver
 * only.
 *
 * @param rowsSelected rows the job looked at (after the incremental / in-place selection)
 * @param rowsEmbedded rows embedded and written
 * @param blankSkipped rows skipped because their text was null, empty or only blanks
 * @param truncated texts longer than the model's maximum sequence length (embedded truncated)
 * @param seconds wall time from validation to publish
 * @param destination where the vectors went
 */
public record BatchJobResult(
    long rowsSelected,
    long rowsEmbedded,
    long blankSkipped,
    long truncated,
    double seconds,
    String destination) {

  public double rowsPerSecond() {
    return seconds <= 0 ? 0 : rowsEmbedded / seconds;
  }

  /** The end-of-job summary, one fact per line. */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "Embedded %,d rows into %s in %.1f s (%,.0f rows/s)%n"
            + "  rows selected:            %,d%n"
            + "  null/blank texts skipped: %,d%n"
            + "  texts truncated:          %,d",
        rowsEmbedded,
        destination,
        seconds,
        rowsPerSecond(),
        rowsSelected,
        blankSkipped,
        truncated);
  }
}
