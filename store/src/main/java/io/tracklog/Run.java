package io.tracklog;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A run as MLflow's {@code get_run} returns it: attributes, the latest value of each metric (MLflow's
 * (step, timestamp, value) rule), params, tags and dataset inputs. Immutable; maps are sorted by key.
 */
public record Run(
    RunInfo info,
    Map<String, Metric> metrics,
    Map<String, String> params,
    Map<String, String> tags,
    List<DatasetInput> inputs) {
  public Run {
    Objects.requireNonNull(info, "info");
    metrics = Collections.unmodifiableMap(new TreeMap<>(metrics));
    params = Collections.unmodifiableMap(new TreeMap<>(params));
    tags = Collections.unmodifiableMap(new TreeMap<>(tags));
    inputs = List.copyOf(inputs);
  }

  public String runId() {
    return info.runId();
  }

  /** The latest value of a metric, or null if the run never logged it. */
  public Double metric(String key) {
    Metric m = metrics.get(key);
    return m == null ? null : m.value();
  }
}
