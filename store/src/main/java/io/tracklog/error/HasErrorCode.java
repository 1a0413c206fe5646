package io.tracklog.error;

/** An exception that maps to one of MLflow's error codes. */
public interface HasErrorCode {
  ErrorCode errorCode();
}
