/**
 * The {@code xgboost} model flavor: {@link io.tracklog.model.xgboost.XGBoostFlavor} saves and loads an
 * XGBoost4J booster in the format Python's {@code mlflow.xgboost} reads. A module of its own so that
 * the store does not depend on XGBoost4J.
 */
package io.tracklog.model.xgboost;
