package io.tracklog;

import io.tracklog.format.RunEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys of a batch as a BATCH lane frame lists them (docs/FORMAT.md §Lanes): its metric keys in
 * order of first use, its param keys and its tag keys in order. A sweep logs the same keys run after
 * run, so a BATCH frame whose keys equal the lane's previous listing refers to that frame instead.
 */
record BatchKeys(List<String> metrics, List<String> params, List<String> tags) {
  BatchKeys {
    metrics = List.copyOf(metrics);
    params = List.copyOf(params);
    tags = List.copyOf(tags);
  }

  static BatchKeys of(RunEvent.BatchLogged batch) {
    Set<String> metricKeys = new LinkedHashSet<>();
    for (io.tracklog.Metric m : batch.metrics()) {
      metricKeys.add(m.key());
    }
    List<String> params = new ArrayList<>(batch.params().size());
    for (Param p : batch.params()) {
      params.add(p.key());
    }
    List<String> tags = new ArrayList<>(batch.tags().size());
    for (RunTag t : batch.tags()) {
      tags.add(t.key());
    }
    return new BatchKeys(new ArrayList<>(metricKeys), params, tags);
  }
}
