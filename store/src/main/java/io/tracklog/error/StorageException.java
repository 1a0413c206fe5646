package io.tracklog.error;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A file could not be written: the file system refused an operation (most often a full disk, {@link
 * #diskFull()}). What the failed call was writing is not in the store: its temp file is removed and
 * the file it was to replace is as it was, so the call can be retried once the cause is fixed.
 */
public final class StorageException extends StoreException {
  private static final long serialVersionUID = 1L;
  private static final String NO_SPACE = "No space left on device";

  private final transient Path path;
  private final boolean diskFull;

  private StorageException(String message, Path path, boolean diskFull, IOException cause) {
    super(message, cause);
    this.path = path;
    this.diskFull = diskFull;
  }

  /**
   * The failure to write {@code path}; {@code what} names it for the message ("artifact a/b.txt of
   * run 1f…", "store file", …).
   */
  public static StorageException writing(String what, Path path, IOException cause) {
    boolean full = isDiskFull(cause);
    String message = full
        ? "Disk full: cannot write " + what + " (" + path + "): " + NO_SPACE + "; nothing of it was written."
            + " Free some space and try again."
        : "Cannot write " + what + " (" + path + "): " + cause;
    return new StorageException(message, path, full, cause);
  }

  /** True if {@code e} (or an I/O exception it was caused by) says the device has no space left (ENOSPC). */
  public static boolean isDiskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FileSystemException fse && fse.getReason() != null && fse.getReason().contains(NO_SPACE)) {
        return true;
      }
      if (t instanceof IOException && t.getMessage() != null && t.getMessage().contains(NO_SPACE)) {
        return true;
      }
    }
    return false;
  }

  /** The file that could not be written (or the folder it was to go in). */
  public Path path() {
    return path;
  }

  /** Whether the device had no space left. */
  public boolean diskFull() {
    return diskFull;
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.INTERNAL_ERROR;
  }
}
