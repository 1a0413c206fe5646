package io.tracklog.reader.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.Experiment;
import io.tracklog.LifecycleStage;
import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dataset of {@code conformance/search-sample.json} (test resources) loaded
 * through the store's import API exactly as its "loading" convention says: experiments with their
 * ids, names, tags and timestamps (Default "0" comes from a store clock fixed at its creation time),
 * then runs with their ids, start times and users, statuses and end times, params, tags, metrics in
 * list order, dataset inputs, and deletion last.
 */
final class SampleStore {
  static final String RESOURCE = "/conformance/search-sample.json";

  private SampleStore() {}

  static JsonNode sample() {
    try (InputStream in = SampleStore.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Missing test resource " + RESOURCE);
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads the dataset into a new store at {@code dir}; returns run name → run id. */
  static Map<String, String> load(JsonNode sample, Path dir, boolean compact) {
    JsonNode dataset = sample.get("dataset");
    long defaultCreation = 0;
    for (JsonNode e : dataset.get("experiments")) {
      if (e.get("experiment_id").asText().equals(Experiment.DEFAULT_ID)) {
        defaultCreation = e.get("creation_time").asLong();
      }
    }
    InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(defaultCreation));
    StoreOptions options =
        StoreOptions.builder().clock(clock).compaction(StoreOptions.CompactionTrigger.MANUAL).build();
    Map<String, String> ids = new LinkedHashMap<>();
    try (Store store = Store.open(dir, options)) {
      for (JsonNode e : dataset.get("experiments")) {
        String id = e.get("experiment_id").asText();
        if (id.equals(Experiment.DEFAULT_ID)) {
          continue; // created by the store, at the clock's time
        }
        Map<String, String> tags = new LinkedHashMap<>();
        e.get("tags").fields().forEachRemaining(t -> tags.put(t.getKey(), t.getValue().asText()));
        store.importExperiment(
            new Experiment(
                id,
                e.get("name").asText(),
                "file:///tmp/mlruns/" + id,
                LifecycleStage.ofMlflowName(e.get("lifecycle_stage").asText()),
                e.get("creation_time").asLong(),
                e.get("last_update_time").asLong(),
                tags));
      }
      for (JsonNode r : dataset.get("runs")) {
        String runId = r.get("run_id").asText();
        ids.put(r.get("name").asText(), runId);
        RunSpec.Builder spec =
            RunSpec.builder(r.get("experiment").asText())
                .runId(runId)
                .runName(r.get("name").asText())
                .startTime(r.get("start_time").asLong())
                .userId(r.get("user_id").asText());
        r.get("tags").fields().forEachRemaining(t -> spec.tag(t.getKey(), t.getValue().asText()));
        try (RunWriter run = store.startRun(spec.build())) {
          r.get("params").fields().forEachRemaining(p -> run.logParam(p.getKey(), p.getValue().asText()));
          for (Iterator<Map.Entry<String, JsonNode>> it = r.get("metrics").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            for (JsonNode point : m.getValue()) {
              run.logMetric(m.getKey(), value(point.get(0)), point.get(1).asLong(), point.get(2).asLong());
            }
          }
          for (JsonNode d : r.get("datasets")) {
            Dataset ds =
                new Dataset(
                    d.get("name").asText(),
                    d.get("digest").asText(),
                    d.get("source_type").asText(),
                    d.get("source").asText(),
                    null,
                    null);
            run.logInput(DatasetInput.of(ds, d.has("context") ? d.get("context").asText() : null));
          }
          RunStatus status = RunStatus.valueOf(r.get("status").asText());
          JsonNode end = r.get("end_time");
          if (status != RunStatus.RUNNING || !end.isNull()) {
            run.updateStatus(status, end.isNull() ? null : end.asLong());
          }
        }
        if (r.get("lifecycle_stage").asText().equals("deleted")) {
          store.deleteRun(runId);
        }
      }
      if (compact) {
        store.compact();
      }
    }
    return ids;
  }

  /** A metric value: a JSON number, or "NaN", "Infinity", "-Infinity". */
  static double value(JsonNode v) {
    if (v.isNumber()) {
      return v.asDouble();
    }
    return switch (v.asText()) {
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> throw new IllegalArgumentException("Invalid metric value: " + v);
    };
  }
}
