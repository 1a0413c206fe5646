package io.tracklog.testing;

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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dataset of {@code conformance/search-sample.json} (test resources) loaded
 * through the store's import API exactly as its "loading" convention says: experiments with their
 * ids, names, tags and timestamps (Default "0" comes from a store clock fixed at its creation time),
 * then runs with their ids, start times and users, statuses and end times, params, tags, metrics in
 * list order, dataset inputs, and deletion last. Shared by the reader's conformance tests, the
 * server's and the CLI's, so that all load the same store.
 */
public final class SearchSample {
  public static final String RESOURCE = "/conformance/search-sample.json";

  /**
   * Ambiguous case → the MLflow store whose answer Tracklog gives ("sql" or "file"; docs/SEARCH.md
   * says why).
   */
  public static final Map<String, String> CHOICES =
      Map.of(
          "div-like-newline", "sql", // SQL LIKE: '%' crosses newlines
          "div-max-results-zero", "sql", // max_results < 1 is an error
          "hist-logging-order-vs-sql-order", "file", // history in append order
          "hist-negative-step", "file");

  private SearchSample() {}

  public static JsonNode sample() {
    try (InputStream in = SearchSample.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Missing test resource " + RESOURCE);
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads the dataset into a new store at {@code dir}; returns run name → run id. */
  public static Map<String, String> load(JsonNode sample, Path dir, boolean compact) {
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
  public static double value(JsonNode v) {
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

  /**
   * Whether Tracklog gives the SQL store's answer for a case: false unless the case is ambiguous.
   *
   * @throws IllegalStateException for an ambiguous case with no recorded choice
   */
  public static boolean usesSqlStoreAnswer(JsonNode c) {
    if (!c.path("ambiguous").asBoolean(false)) {
      return false;
    }
    String choice = CHOICES.get(c.get("id").asText());
    if (choice == null) {
      throw new IllegalStateException("No recorded choice for ambiguous case " + c.get("id").asText());
    }
    return choice.equals("sql");
  }

  /** A JSON array of strings as a list; null or absent as an empty list. */
  public static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && !array.isNull()) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  /** A JSON string, or null for JSON null or absent. */
  public static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }
}
