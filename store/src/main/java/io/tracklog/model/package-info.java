/**
 * Models in MLflow's format (docs/FORMAT.md §Models): the {@link io.tracklog.model.MLmodel} file,
 * signatures and schemas ({@link io.tracklog.model.Signature}, {@link io.tracklog.model.Schema}) with
 * MLflow's inference rules, flavors ({@link io.tracklog.model.ModelFlavor}: {@code onnx}, the generic
 * {@code jvm}), model URIs ({@link io.tracklog.model.ModelUri}) and {@link io.tracklog.model.Models}
 * to log and load models. {@link io.tracklog.RunWriter#logModel} is the way in.
 */
package io.tracklog.model;
