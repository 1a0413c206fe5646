/**
 * Issue #6: Tracklog against the storage layouts users would otherwise pick (MLflow's file store,
 * MLflow's SQL schema on SQLite, JSON lines, RocksDB), behind one {@link
 * io.tracklog.benchmarks.layouts.StorageLayout} interface, measured side by side by the JMH
 * benchmarks of this package. See docs/BENCHMARKS.md, "Storage layouts compared".
 */
package io.tracklog.benchmarks.layouts;
