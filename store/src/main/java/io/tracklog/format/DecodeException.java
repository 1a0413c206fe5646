package io.tracklog.format;

/**
 * Bytes that do not decode as an event. The log that read them turns this into a {@link
 * io.tracklog.error.CorruptFileException} naming the file.
 */
public final class DecodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DecodeException(String message) {
    super(message);
  }
}
