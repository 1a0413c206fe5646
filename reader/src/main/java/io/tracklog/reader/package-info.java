/**
 * Tracklog's read side: {@link io.tracklog.reader.StoreReader}. Grows into snapshots over compacted
 * Arrow files and MLflow's search semantics (issues #3, #4).
 */
package io.tracklog.reader;
