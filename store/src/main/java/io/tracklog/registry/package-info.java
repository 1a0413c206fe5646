/**
 * The model registry: registered models, their versions, stages and aliases, with MLflow's
 * semantics rule for rule (docs/DESIGN-NOTES.md §Model registry). {@link
 * io.tracklog.registry.ModelRegistry} (from {@code Store.registry()}) writes and reads; every change
 * is one event in the store's registry log (docs/FORMAT.md §Model registry log), which also gives
 * the audit trail MLflow lacks ({@link io.tracklog.registry.ModelRegistry#history}).
 */
package io.tracklog.registry;
