package io.tracklog;

import io.tracklog.error.InvalidParameterException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link Store#gc} permanently deletes, as the options of MLflow's {@code mlflow gc}
 * (mlflow/cli.py, {@code gc}). Immutable.
 *
 * <pre>{@code
 * store.gc(GcOptions.all());                                           // every deleted run and experiment
 * store.gc(GcOptions.all().olderThan(GcOptions.parseAge("30d")));        // deleted more than 30 days ago
 * store.gc(GcOptions.all().runIds(List.of(runId)));                     // this run (it must be deleted)
 * }</pre>
 *
 * @param olderThan only what was deleted at least this long ago (runs: their deletion time; experiments:
 *     their last update, which is their deletion); null: whatever the age
 * @param runIds the runs to purge, each of which must be deleted; null: every deleted run (old enough)
 * @param experimentIds the experiments to purge with all their runs, each of which must be deleted;
 *     null: every deleted experiment (old enough)
 */
public record GcOptions(Duration olderThan, List<String> runIds, List<String> experimentIds) {
  private static final Pattern AGE =
      Pattern.compile("^(?:([.\\d]+?)d)?(?:([.\\d]+?)h)?(?:([.\\d]+?)m)?(?:([.\\d]+?)s)?$");

  public GcOptions {
    if (olderThan != null && olderThan.isNegative()) {
      throw new InvalidParameterException("Invalid older_than " + olderThan + ": it must not be negative");
    }
    runIds = runIds == null ? null : List.copyOf(runIds);
    experimentIds = experimentIds == null ? null : List.copyOf(experimentIds);
  }

  /** Every deleted run and experiment, whatever its age. */
  public static GcOptions all() {
    return new GcOptions(null, null, null);
  }

  public GcOptions olderThan(Duration age) {
    return new GcOptions(age, runIds, experimentIds);
  }

  public GcOptions runIds(List<String> ids) {
    return new GcOptions(olderThan, ids, experimentIds);
  }

  public GcOptions experimentIds(List<String> ids) {
    return new GcOptions(olderThan, runIds, ids);
  }

  /**
   * Parses {@code mlflow gc --older-than}: {@code #d#h#m#s}, each part optional, decimals allowed
   * ({@code 1d2h3m4s}, {@code 1.2d3h4m5s}, {@code 30d}); MLflow's regular expression.
   *
   * @throws InvalidParameterException if it is not of that form
   */
  public static Duration parseAge(String text) {
    Matcher m = AGE.matcher(text);
    if (!m.matches()) {
      throw new InvalidParameterException(
          "Could not parse any time information from '"
              + text
              + "'. Examples of valid strings: '8h', '2d8h5m20s', '2m4s'");
    }
    double seconds = 0;
    double[] unit = {86_400, 3_600, 60, 1};
    for (int i = 0; i < unit.length; i++) {
      String part = m.group(i + 1);
      if (part != null) {
        try {
          seconds += Double.parseDouble(part) * unit[i];
        } catch (NumberFormatException e) {
          throw new InvalidParameterException("Could not parse '" + part + "' in '" + text + "' as a number");
        }
      }
    }
    return Duration.ofMillis((long) (seconds * 1000));
  }
}
