/**
 * Tracklog's exceptions. Caller mistakes are {@link io.tracklog.error.InvalidParameterException}
 * (an {@code IllegalArgumentException}); data and environment problems are the sealed {@link
 * io.tracklog.error.StoreException}. Each carries MLflow's {@link io.tracklog.error.ErrorCode}.
 */
package io.tracklog.error;
