package io.tracklog.reader.search;

import io.tracklog.error.InvalidParameterException;

/**
 * A search filter or order_by clause MLflow would reject with {@code INVALID_PARAMETER_VALUE}. The
 * message starts with MLflow's own wording and ends by naming the offending clause and where it
 * starts: {@code (clause 'metrics.acc <> 0.5' at position 12)}.
 *
 * <p>{@link #position()} counts Unicode code points from 0 (MLflow, being Python, counts code
 * points), within the filter string, or within the one order_by element for order_by errors.
 */
public final class InvalidFilterException extends InvalidParameterException {
  private static final long serialVersionUID = 1L;

  private final String clause;
  private final int position;

  InvalidFilterException(String detail, String clause, int position) {
    super(detail + " (clause '" + clause + "' at position " + position + ")");
    this.clause = clause;
    this.position = position;
  }

  /** The text of the offending clause, as written. */
  public String clause() {
    return clause;
  }

  /** Where the offending clause starts, in code points from the start of the filter (0-based). */
  public int position() {
    return position;
  }

  /** An error for the text {@code source[start, end)}, positions given in UTF-16 indices. */
  static InvalidFilterException at(String detail, String source, int start, int end) {
    return new InvalidFilterException(
        detail, source.substring(start, end), source.codePointCount(0, start));
  }
}
