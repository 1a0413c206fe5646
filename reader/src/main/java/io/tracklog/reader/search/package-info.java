/**
 * MLflow's search_runs and search_experiments with MLflow's exact semantics (issue #4; docs/SEARCH.md):
 * a hand-written lexer and parser for MLflow's filter and order_by grammar ({@link
 * io.tracklog.reader.search.RunFilter}, {@link io.tracklog.reader.search.ExperimentFilter}, {@link
 * io.tracklog.reader.search.OrderBy}), typed errors ({@link
 * io.tracklog.reader.search.InvalidFilterException}), and the reference evaluation over {@code Run}
 * values: {@link io.tracklog.reader.search.RunSearch}, {@link io.tracklog.reader.search.ExperimentSearch}.
 */
package io.tracklog.reader.search;
