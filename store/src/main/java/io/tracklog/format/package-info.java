/**
 * The on-disk contract (docs/FORMAT.md): events and their binary codec, MLflow's validation rules,
 * and the pure functions that fold logs into run and catalog state. No Chronicle here.
 */
package io.tracklog.format;
