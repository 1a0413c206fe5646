package io.tracklog.error;

/** A compaction could not commit its manifest because other compactors kept committing first. */
public final class CommitConflictException extends StoreException {
  private static final long serialVersionUID = 1L;

  public CommitConflictException(String message) {
    super(message);
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.INTERNAL_ERROR;
  }
}
