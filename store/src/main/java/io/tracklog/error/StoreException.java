package io.tracklog.error;

/**
 * A problem with the data or the environment rather than with the caller's arguments. Unchecked and
 * sealed: every subtype is listed here, so a caller can switch over them.
 */
public abstract sealed class StoreException extends RuntimeException implements HasErrorCode
    permits RunNotFoundException,
        ExperimentNotFoundException,
        ResourceAlreadyExistsException,
        InvalidStateException,
        CorruptFileException,
        UnsupportedFormatException,
        TagNotFoundException,
        CommitConflictException,
        StorageException,
        MLmodelNotFoundException,
        ResourceNotFoundException,
        InternalErrorException {
  private static final long serialVersionUID = 1L;

  StoreException(String message) {
    super(message);
  }

  StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
