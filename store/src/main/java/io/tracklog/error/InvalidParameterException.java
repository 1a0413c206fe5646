package io.tracklog.error;

/**
 * A caller passed a value MLflow would reject with {@code INVALID_PARAMETER_VALUE}: a bad key, a value
 * over its limit, a param logged again with another value, a write to a deleted run. Nothing of the
 * rejected call was written.
 */
public class InvalidParameterException extends IllegalArgumentException implements HasErrorCode {
  private static final long serialVersionUID = 1L;

  public InvalidParameterException(String message) {
    super(message);
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.INVALID_PARAMETER_VALUE;
  }
}
