package io.tracklog.mlflow;

import io.tracklog.ArtifactInfo;
import io.tracklog.Experiment;
import io.tracklog.RunRecord;
import io.tracklog.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a store holds, as comparable values: experiments, and per run its record (info,
 * params, tags, inputs, every metric point, artifact digests) and artifact bytes. Metric values are
 * compared by their bits through {@link io.tracklog.Metric}'s record equality (NaN equals NaN).
 */
record StoreContents(Map<String, Experiment> experiments, Map<String, RunRecord> runs, Map<String, List<Object>> artifactBytes) {
  static StoreContents of(Store store, java.util.Collection<String> experimentIds) {
    Map<String, Experiment> exps = new TreeMap<>();
    Map<String, RunRecord> runs = new TreeMap<>();
    Map<String, List<Object>> bytes = new TreeMap<>();
    for (Experiment e : store.experiments()) {
      if (!experimentIds.isEmpty() && !experimentIds.contains(e.experimentId())) {
        continue;
      }
      exps.put(e.experimentId(), e);
      for (String runId : store.runIds(e.experimentId())) {
        runs.put(runId, store.runRecord(runId));
        List<Object> files = new ArrayList<>();
        for (ArtifactInfo a : store.artifacts(runId).listAll()) {
          try (InputStream in = store.openArtifact(runId, a.path())) {
            files.add(a.path());
            files.add(java.util.HexFormat.of().formatHex(in.readAllBytes()));
          } catch (IOException ex) {
            throw new UncheckedIOException(ex);
          }
        }
        bytes.put(runId, files);
      }
    }
    return new StoreContents(exps, runs, bytes);
  }

  static StoreContents of(Store store) {
    return of(store, List.of());
  }

  /** The same contents with run artifact URIs and experiment artifact locations blanked. */
  StoreContents withoutLocations() {
    Map<String, Experiment> exps = new LinkedHashMap<>();
    experiments.forEach(
        (k, e) ->
            exps.put(
                k,
                new Experiment(e.experimentId(), e.name(), "", e.lifecycleStage(), e.creationTime(), e.lastUpdateTime(), e.tags())));
    Map<String, RunRecord> rs = new LinkedHashMap<>();
    runs.forEach(
        (k, r) -> {
          var i = r.run().info();
          var info =
              new io.tracklog.RunInfo(
                  i.runId(), i.runName(), i.experimentId(), i.userId(), i.status(), i.startTime(), i.endTime(), "", i.lifecycleStage());
          var run = new io.tracklog.Run(info, r.run().metrics(), r.run().params(), r.run().tags(), r.run().inputs());
          rs.put(k, new RunRecord(run, r.metricHistory(), r.artifacts(), r.deletedTime()));
        });
    return new StoreContents(exps, rs, artifactBytes);
  }
}
