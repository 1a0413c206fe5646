package io.tracklog.error;

/**
 * A file or event carries a type tag or format version this build does not understand. Decoding never
 * skips what it does not know: a newer writer's data is refused, not silently dropped.
 */
public final class UnsupportedFormatException extends StoreException {
  private static final long serialVersionUID = 1L;

  public UnsupportedFormatException(String message) {
    super(message);
  }

  public static UnsupportedFormatException version(String what, int found, int min, int max) {
    return new UnsupportedFormatException(
        "Unsupported " + what + " version " + found + " (this build reads " + min + " to " + max + ")");
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.INTERNAL_ERROR;
  }
}
