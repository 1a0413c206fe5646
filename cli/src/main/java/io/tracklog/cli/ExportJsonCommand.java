package io.tracklog.cli;

import io.tracklog.server.MlflowJson;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tracklog.Experiment;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunInfo;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.ViewType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracklog export-json}: what the Java reader answers for every run, as one canonical JSON
 * document, so that readers in other languages (notebooks reading the compacted Arrow files) can be
 * checked against it. Everything comes from one {@link Snapshot}.
 *
 * <pre>{@code
 * {"format": "tracklog-export", "format_version": 1, "generation": 7,
 *  "experiments": [{"experiment_id": "2", "name": "grid-search", "lifecycle_stage": "active"}, ...],
 *  "runs": [{"run_id": "...", "experiment_id": "2", "run_name": "...", "user_id": null,
 *            "status": "FINISHED", "start_time": 1700000000000, "end_time": 1700000000123,
 *            "artifact_uri": "...", "lifecycle_stage": "active",
 *            "params": {"lr": "0.01"}, "tags": {...},
 *            "metrics": {"loss": {"value": 0.1, "step": 9, "timestamp": 1700000000100}},
 *            "history": {"loss": [{"step": 0, "timestamp": 1700000000001, "value": 2.3}, ...]}}]}
 * }</pre>
 *
 * <p>Experiments are in creation order, runs by experiment then creation order, map keys sorted,
 * histories in append order. Doubles are written so that they parse back to the same bits; NaN and
 * the infinities, which JSON lacks, are the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"}. Times are epoch milliseconds. Deleted experiments and runs are included.
 */
@Command(
    name = "export-json",
    mixinStandardHelpOptions = true,
    description = "Print every run (attributes, params, tags, latest metrics, metric histories) as JSON.")
final class ExportJsonCommand extends StoreCommand {
  static final String FORMAT = "tracklog-export";
  static final int FORMAT_VERSION = 1;

  @Option(names = "--experiment", paramLabel = "ID", description = "Only this experiment's runs.")
  String experimentId;

  @Option(names = "--pretty", description = "Indent the output.")
  boolean pretty;

  @Override
  int execute() throws IOException {
    try (StoreReader reader = openReader()) {
      Snapshot snap = reader.snapshot();
      List<Experiment> experiments =
          experimentId != null ? List.of(snap.getExperiment(experimentId)) : snap.listExperiments(ViewType.ALL);
      JsonGenerator json = new JsonFactory().createGenerator(out());
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      if (pretty) {
        json.useDefaultPrettyPrinter();
      }
      json.writeStartObject();
      json.writeStringField("format", FORMAT);
      json.writeNumberField("format_version", FORMAT_VERSION);
      json.writeNumberField("generation", snap.generation());
      json.writeArrayFieldStart("live_run_ids");
      for (String id : new TreeSet<>(snap.liveRunIds())) {
        json.writeString(id);
      }
      json.writeEndArray();
      json.writeArrayFieldStart("experiments");
      for (Experiment e : experiments) {
        json.writeStartObject();
        json.writeStringField("experiment_id", e.experimentId());
        json.writeStringField("name", e.name());
        json.writeStringField("lifecycle_stage", e.lifecycleStage().mlflowName());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("runs");
      for (Experiment e : experiments) {
        for (Run run : snap.runs(e.experimentId(), ViewType.ALL)) {
          writeRun(json, snap, run);
        }
      }
      json.writeEndArray();
      json.writeEndObject();
      json.flush();
      out().println();
      out().flush();
    }
    return 0;
  }

  private static void writeRun(JsonGenerator json, Snapshot snap, Run run) throws IOException {
    RunInfo info = run.info();
    json.writeStartObject();
    json.writeStringField("run_id", info.runId());
    json.writeStringField("experiment_id", info.experimentId());
    json.writeStringField("run_name", info.runName());
    json.writeStringField("user_id", info.userId());
    json.writeStringField("status", info.status().name());
    json.writeNumberField("start_time", info.startTime());
    json.writeFieldName("end_time");
    if (info.endTime() == null) {
      json.writeNull();
    } else {
      json.writeNumber(info.endTime());
    }
    json.writeStringField("artifact_uri", info.artifactUri());
    json.writeStringField("lifecycle_stage", info.lifecycleStage().mlflowName());
    writeStrings(json, "params", run.params());
    writeStrings(json, "tags", run.tags());
    json.writeObjectFieldStart("metrics");
    for (Metric m : run.metrics().values()) { // sorted by key
      json.writeObjectFieldStart(m.key());
      writeDouble(json, "value", m.value());
      json.writeNumberField("step", m.step());
      json.writeNumberField("timestamp", m.timestampMs());
      json.writeEndObject();
    }
    json.writeEndObject();
    json.writeObjectFieldStart("history");
    for (String key : new ArrayList<>(run.metrics().keySet())) {
      json.writeArrayFieldStart(key);
      for (Metric m : snap.metricHistory(info.runId(), key)) {
        json.writeStartObject();
        json.writeNumberField("step", m.step());
        json.writeNumberField("timestamp", m.timestampMs());
        writeDouble(json, "value", m.value());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    json.writeEndObject();
    json.writeEndObject();
  }

  private static void writeStrings(JsonGenerator json, String field, Map<String, String> map) throws IOException {
    json.writeObjectFieldStart(field);
    for (Map.Entry<String, String> e : map.entrySet()) { // sorted by key
      json.writeStringField(e.getKey(), e.getValue());
    }
    json.writeEndObject();
  }

  /** A double that parses back to the same bits: a JSON number, or a string for NaN and ±Infinity. */
  static void writeDouble(JsonGenerator json, String field, double v) throws IOException {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      json.writeStringField(field, MlflowJson.nonFinite(v)); // the spelling MLflow's JSON uses
    } else {
      json.writeNumberField(field, v); // Double.toString: as many digits as needed to round-trip
    }
  }
}
