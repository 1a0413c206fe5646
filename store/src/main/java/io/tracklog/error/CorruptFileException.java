package io.tracklog.error;

import java.nio.file.Path;

/** A file Tracklog wrote does not decode: truncated, bit-flipped, or not ours. */
public final class CorruptFileException extends StoreException {
  private static final long serialVersionUID = 1L;
  private final transient Path path;
  private final String detail;

  public CorruptFileException(Path path, String detail) {
    super("Corrupt file " + path + ": " + detail);
    this.path = path;
    this.detail = detail;
  }

  public CorruptFileException(Path path, String detail, Throwable cause) {
    super("Corrupt file " + path + ": " + detail, cause);
    this.path = path;
    this.detail = detail;
  }

  public Path path() {
    return path;
  }

  /** What is wrong with the file, without its name (the message is "Corrupt file PATH: DETAIL"). */
  public String detail() {
    return detail;
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.INTERNAL_ERROR;
  }
}
