package io.tracklog.mlflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an import did: counts per kind of thing imported, things found already imported, and every
 * thing skipped or dropped with the file it came from and the reason. Immutable once returned.
 */
public final class ImportReport {
  /** The kinds counted. */
  public enum Kind {
    EXPERIMENTS,
    EXPERIMENT_TAGS,
    RUNS,
    PARAMS,
    TAGS,
    METRIC_SERIES,
    METRIC_POINTS,
    DATASET_INPUTS,
    ARTIFACT_FILES,
    ARTIFACT_BYTES,
    REGISTERED_MODELS,
    MODEL_VERSIONS,
    MODEL_ALIASES
  }

  /**
   * One thing not imported (or imported only in part), with the file or folder it came from.
   *
   * @param path the file or folder, relative to the imported {@code mlruns/} directory
   */
  public record Skipped(String path, String reason) {
    public Skipped {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(reason, "reason");
    }
  }

  private final Map<Kind, Long> imported = new LinkedHashMap<>();
  private long experimentsAlreadyImported;
  private long runsAlreadyImported;
  private long registeredModelsAlreadyImported;
  private final List<Skipped> skipped = new ArrayList<>();

  ImportReport() {
    for (Kind k : Kind.values()) {
      imported.put(k, 0L);
    }
  }

  void add(Kind kind, long n) {
    imported.merge(kind, n, Long::sum);
  }

  void skip(String path, String reason) {
    skipped.add(new Skipped(path, reason));
  }

  void experimentAlreadyImported() {
    experimentsAlreadyImported++;
  }

  void runAlreadyImported() {
    runsAlreadyImported++;
  }

  void registeredModelAlreadyImported() {
    registeredModelsAlreadyImported++;
  }

  /** How many of a kind this import wrote. */
  public long imported(Kind kind) {
    return imported.get(kind);
  }

  /** Experiments found in the store already, with the same id and name (their runs were still looked at). */
  public long experimentsAlreadyImported() {
    return experimentsAlreadyImported;
  }

  /** Runs found in the store already and verified equal (params, tags, metric points, artifacts). */
  public long runsAlreadyImported() {
    return runsAlreadyImported;
  }

  /** Everything skipped or dropped, in the order met. */
  public List<Skipped> skipped() {
    return Collections.unmodifiableList(skipped);
  }

  /** Registered models found in the store already with the same creation time (given only what they lacked). */
  public long registeredModelsAlreadyImported() {
    return registeredModelsAlreadyImported;
  }

  /** True if nothing was skipped. */
  public boolean isClean() {
    return skipped.isEmpty();
  }

  /** A few lines for people: the counts, then one line per skipped thing. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(
        "Imported %d experiment(s) (%d experiment tag(s)), %d run(s): %d param(s), %d tag(s), %d metric series"
            + " with %d point(s), %d dataset input(s), %d artifact file(s) (%d bytes).%n",
        imported(Kind.EXPERIMENTS), imported(Kind.EXPERIMENT_TAGS), imported(Kind.RUNS), imported(Kind.PARAMS),
        imported(Kind.TAGS), imported(Kind.METRIC_SERIES), imported(Kind.METRIC_POINTS),
        imported(Kind.DATASET_INPUTS), imported(Kind.ARTIFACT_FILES), imported(Kind.ARTIFACT_BYTES)));
    if (imported(Kind.REGISTERED_MODELS) > 0 || imported(Kind.MODEL_VERSIONS) > 0 || registeredModelsAlreadyImported > 0) {
      sb.append(String.format(
          "Imported %d registered model(s), %d model version(s), %d alias(es).%n",
          imported(Kind.REGISTERED_MODELS), imported(Kind.MODEL_VERSIONS), imported(Kind.MODEL_ALIASES)));
    }
    if (experimentsAlreadyImported > 0 || runsAlreadyImported > 0 || registeredModelsAlreadyImported > 0) {
      sb.append(String.format(
          "Already in the store (left as they are): %d experiment(s), %d run(s)%s.%n",
          experimentsAlreadyImported, runsAlreadyImported,
          registeredModelsAlreadyImported > 0 ? ", " + registeredModelsAlreadyImported + " registered model(s)" : ""));
    }
    if (skipped.isEmpty()) {
      sb.append(String.format("Nothing skipped.%n"));
    } else {
      sb.append(String.format("Skipped %d item(s):%n", skipped.size()));
      for (Skipped s : skipped) {
        sb.append(String.format("  %s: %s%n", s.path(), s.reason()));
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return format();
  }
}
