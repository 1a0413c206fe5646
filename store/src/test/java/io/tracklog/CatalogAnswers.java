package io.tracklog;

import io.tracklog.format.CatalogSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything a catalog answers, as plain values, to compare two stores' catalogs whole. */
record CatalogAnswers(
    long position,
    List<Experiment> experiments,
    Map<String, List<String>> runs,
    Map<String, Long> reopened,
    Map<String, String> experimentOfRun) {
  static CatalogAnswers of(Store store) {
    CatalogSnapshot snap = store.catalogSnapshot();
    Map<String, List<String>> runs = new LinkedHashMap<>();
    Map<String, Long> reopened = new LinkedHashMap<>();
    Map<String, String> experimentOf = new LinkedHashMap<>();
    for (Experiment e : store.experiments()) {
      runs.put(e.experimentId(), List.copyOf(store.runIds(e.experimentId())));
      for (String runId : snap.runIds(e.experimentId())) {
        reopened.put(runId, snap.lastReopened(runId));
        experimentOf.put(runId, snap.experimentOfRun(runId));
      }
    }
    return new CatalogAnswers(snap.position(), store.experiments(), runs, reopened, experimentOf);
  }
}
