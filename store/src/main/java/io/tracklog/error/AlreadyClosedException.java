package io.tracklog.error;

/** A method was called on a store or writer after {@code close()} (as Lucene's). */
public final class AlreadyClosedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public AlreadyClosedException(String message) {
    super(message);
  }
}
