package io.tracklog.error;

import java.nio.file.Path;

/** A file Tracklog wrote does not decode: truncated, bit-flipped, or not ours. */
public final class CorruptFileException extends StoreException {
  private static final long serialVersionUID = 1L;
  private final transient Path path;

  public CorruptFileException(Path path, String detail) {
    super("Corrupt file " + path + ": " + detail);
    this.path = path;
  }

  public CorruptFileException(Path path, String detail, Throwable cause) {
    super("Corrupt file " + path + ": " + detail, cause);
    this.path = path;
  }

  public Path path() {
    return path;
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.INTERNAL_ERROR;
  }
}
