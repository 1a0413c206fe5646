/**
 * The bridge with MLflow's file store ({@code mlruns/}, mlflow/store/tracking/file_store.py): {@link
 * io.tracklog.mlflow.MlflowImport} takes a tree in, keeping ids, times, lifecycle, every metric
 * point and the artifacts; {@link io.tracklog.mlflow.MlflowExport} writes a store back out in that
 * layout. docs/MLFLOW-BRIDGE.md lists what maps to what.
 */
package io.tracklog.mlflow;
