/**
 * Tracklog's write API and domain values: {@link io.tracklog.Store} (entry point), {@link
 * io.tracklog.RunWriter}, {@link io.tracklog.Experiment}, {@link io.tracklog.Run} and the records
 * they are made of. Semantics are MLflow's tracking semantics.
 */
package io.tracklog;
