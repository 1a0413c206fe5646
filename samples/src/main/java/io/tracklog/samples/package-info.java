/**
 * Runnable programs mirroring the MLflow tutorials' workflows: {@link io.tracklog.samples.QuickStart},
 * {@link io.tracklog.samples.GridSearch}, {@link io.tracklog.samples.TrainingCurves} and {@link
 * io.tracklog.samples.NestedRuns}. Each has a {@code main} taking an optional store path and a static
 * {@code run(Store)} that the CLI's {@code demo} command and the tests call. All numbers come from
 * seeded synthetic models, so every run of a sample logs the same values.
 */
package io.tracklog.samples;
