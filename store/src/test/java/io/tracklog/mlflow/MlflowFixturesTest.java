package io.tracklog.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tracklog.Experiment;
import io.tracklog.Metric;
import io.tracklog.RunRecord;
import io.tracklog.RunStatus;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.mlflow.ImportReport.Kind;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every real-world tree of {@code mlflow-fixtures/} (see its README): imported, compared file by
 * file with what the files say, imported again (nothing changes), exported and imported back.
 */
class MlflowFixturesTest {
  @TempDir Path dir;

  static Path fixture(String name) throws URISyntaxException {
    return Paths.get(MlflowFixturesTest.class.getResource("/mlflow-fixtures/" + name + "/mlruns").toURI());
  }

  static Store open(Path root) {
    return Store.open(root, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build());
  }

  @ParameterizedTest
  @CsvSource({
    // fixture, experiments, runs, metric files, points, params, run tags, experiment tags, inputs, artifact files
    "jday54__mlflow_tutorial, 3, 10, 10, 10, 10, 51, 0, 0, 40",
    "staguchi0703__hydra_mlflow, 2, 32, 113, 113, 174, 181, 1, 0, 62",
    "Gecofer__TFM_1920, 1, 5, 34, 42, 0, 24, 1, 0, 12",
    "2025-1-productos-de-datos__PRE-12-mlflow-evaluacion-alvelezp, 1, 7, 112, 112, 37, 49, 0, 7, 62",
    "2024ab05143__heart-disease-mlops, 1, 2, 8, 16, 2, 8, 0, 0, 0",
  })
  void importMatchesTheFiles_reimportChangesNothing_roundTripKeepsEverything(
      String name, int experiments, int runs, int metricFiles, int points, int params, int tags, int expTags,
      int inputs, int artifacts) throws Exception {
    Path mlruns = fixture(name);
    try (Store store = open(dir.resolve("a"))) {
      ImportReport report = MlflowImport.importStore(mlruns, store);
      System.out.println(name + ":\n" + report.format());
      assertThat(report.imported(Kind.EXPERIMENTS)).isEqualTo(experiments);
      assertThat(report.imported(Kind.RUNS)).isEqualTo(runs);
      assertThat(report.imported(Kind.METRIC_SERIES)).isEqualTo(metricFiles);
      assertThat(report.imported(Kind.METRIC_POINTS)).isEqualTo(points);
      assertThat(report.imported(Kind.PARAMS)).isEqualTo(params);
      assertThat(report.imported(Kind.TAGS)).isEqualTo(tags);
      assertThat(report.imported(Kind.EXPERIMENT_TAGS)).isEqualTo(expTags);
      assertThat(report.imported(Kind.DATASET_INPUTS)).isEqualTo(inputs);
      assertThat(report.imported(Kind.ARTIFACT_FILES)).isEqualTo(artifacts);
      // Nothing a run needs is skipped: only what Tracklog does not model (logged models, a README).
      assertThat(report.skipped())
          .allSatisfy(s -> assertThat(s.reason()).containsAnyOf("not imported", "plain file", "unknown file"));

      assertMatchesFiles(mlruns, store);

      StoreContents before = StoreContents.of(store);
      long catalogBefore = store.catalogPosition();
      ImportReport again = MlflowImport.importStore(mlruns, store);
      assertThat(again.imported(Kind.RUNS)).isZero();
      assertThat(again.imported(Kind.EXPERIMENTS)).isZero();
      assertThat(again.runsAlreadyImported()).isEqualTo(runs);
      assertThat(again.experimentsAlreadyImported()).isEqualTo(experiments);
      assertThat(store.catalogPosition()).isEqualTo(catalogBefore);
      assertThat(StoreContents.of(store)).isEqualTo(before);

      Path out = dir.resolve("export");
      MlflowExport.Summary summary = MlflowExport.exportStore(store, out, List.of(), MlflowExport.ArtifactLocations.KEEP);
      assertThat(summary.runs()).isEqualTo(runs);
      assertThat(summary.metricPoints()).isEqualTo(points);
      try (Store b = open(dir.resolve("b"))) {
        ImportReport back = MlflowImport.importStore(out, b);
        assertThat(back.skipped()).isEmpty();
        assertThat(StoreContents.of(b)).isEqualTo(before);
        assertMatchesFiles(out, b);
      }
    }
  }

  /** Compares every experiment and run folder of {@code mlruns} with the store, field by field. */
  static void assertMatchesFiles(Path mlruns, Store store) throws Exception {
    YAMLMapper yaml = new YAMLMapper();
    List<Path> expDirs = new ArrayList<>();
    try (Stream<Path> s = Files.list(mlruns)) {
      s.filter(p -> Files.isRegularFile(p.resolve("meta.yaml"))).forEach(expDirs::add);
    }
    if (Files.isDirectory(mlruns.resolve(".trash"))) {
      try (Stream<Path> s = Files.list(mlruns.resolve(".trash"))) {
        s.filter(p -> Files.isRegularFile(p.resolve("meta.yaml"))).forEach(expDirs::add);
      }
    }
    for (Path expDir : expDirs) {
      Map<?, ?> meta = yaml.readValue(expDir.resolve("meta.yaml").toFile(), Map.class);
      Experiment e = store.getExperiment(String.valueOf(meta.get("experiment_id")));
      assertThat(e.name()).isEqualTo(meta.get("name"));
      assertThat(e.artifactLocation()).isEqualTo(meta.get("artifact_location"));
      assertThat(e.lifecycleStage().mlflowName()).isEqualTo(meta.get("lifecycle_stage"));
      if (meta.get("creation_time") != null) {
        assertThat(e.creationTime()).isEqualTo(((Number) meta.get("creation_time")).longValue());
        assertThat(e.lastUpdateTime()).isEqualTo(((Number) meta.get("last_update_time")).longValue());
      }
      assertThat(e.tags()).isEqualTo(files(expDir.resolve("tags")));
      List<String> runIds = new ArrayList<>();
      try (Stream<Path> s = Files.list(expDir)) {
        s.filter(p -> Files.isDirectory(p) && !Set.of("tags", "datasets", "models", "traces").contains(p.getFileName().toString()))
            .forEach(p -> runIds.add(p.getFileName().toString()));
      }
      assertThat(store.runIds(e.experimentId())).containsExactlyInAnyOrderElementsOf(runIds);
      for (String runId : runIds) {
        assertRunMatches(expDir.resolve(runId), store, yaml);
      }
    }
  }

  static void assertRunMatches(Path runDir, Store store, YAMLMapper yaml) throws Exception {
    Map<?, ?> meta = yaml.readValue(runDir.resolve("meta.yaml").toFile(), Map.class);
    String runId = runDir.getFileName().toString();
    RunRecord r = store.runRecord(runId);
    var info = r.run().info();
    Map<String, String> tags = files(runDir.resolve("tags"));
    assertThat(info.experimentId()).isEqualTo(String.valueOf(meta.get("experiment_id")));
    assertThat(info.status()).isEqualTo(RunStatus.ofNumber(((Number) meta.get("status")).intValue()));
    assertThat(info.startTime()).isEqualTo(((Number) meta.get("start_time")).longValue());
    assertThat(info.endTime()).isEqualTo(meta.get("end_time") == null ? null : ((Number) meta.get("end_time")).longValue());
    assertThat(info.userId()).isEqualTo(meta.get("user_id"));
    assertThat(info.artifactUri()).isEqualTo(meta.get("artifact_uri"));
    assertThat(info.lifecycleStage().mlflowName()).isEqualTo(meta.get("lifecycle_stage"));
    Object runName = meta.get("run_name") != null ? meta.get("run_name") : tags.getOrDefault("mlflow.runName", "");
    assertThat(info.runName()).isEqualTo(tags.getOrDefault("mlflow.runName", (String) runName));
    assertThat(r.run().params()).isEqualTo(files(runDir.resolve("params")));
    assertThat(r.run().tags()).isEqualTo(tags);
    Map<String, List<Metric>> history = new TreeMap<>();
    for (Map.Entry<String, Path> m : MlflowFiles.keyedFiles(runDir.resolve("metrics")).entrySet()) {
      List<Metric> points = new ArrayList<>();
      for (String line : Files.readAllLines(m.getValue())) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.trim().split(" ");
        points.add(new Metric(m.getKey(), pyFloat(f[1]), Long.parseLong(f[0]), f.length > 2 ? Long.parseLong(f[2]) : 0));
      }
      history.put(m.getKey(), points);
    }
    assertThat(r.metricHistory()).isEqualTo(history);
    Map<String, Path> artifacts = MlflowFiles.keyedFiles(runDir.resolve("artifacts"));
    assertThat(r.artifacts().keySet()).isEqualTo(artifacts.keySet());
    for (Map.Entry<String, Path> a : artifacts.entrySet()) {
      byte[] want = Files.readAllBytes(a.getValue());
      try (InputStream in = store.openArtifact(runId, a.getKey())) {
        assertThat(in.readAllBytes()).isEqualTo(want);
      }
      assertThat(r.artifacts().get(a.getKey()).sha256())
          .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(want)));
      assertThat(r.artifacts().get(a.getKey()).size()).isEqualTo(want.length);
    }
    int inputs = 0;
    if (Files.isDirectory(runDir.resolve("inputs"))) {
      try (Stream<Path> s = Files.list(runDir.resolve("inputs"))) {
        for (Path input : s.toList()) {
          Map<?, ?> im = yaml.readValue(input.resolve("meta.yaml").toFile(), Map.class);
          Map<?, ?> dm =
              yaml.readValue(runDir.getParent().resolve("datasets").resolve((String) im.get("source_id")).resolve("meta.yaml").toFile(), Map.class);
          assertThat(r.run().inputs())
              .anySatisfy(
                  in -> {
                    assertThat(in.dataset().name()).isEqualTo(dm.get("name"));
                    assertThat(in.dataset().digest()).isEqualTo(dm.get("digest"));
                    assertThat(in.dataset().sourceType()).isEqualTo(dm.get("source_type"));
                    assertThat(in.dataset().source()).isEqualTo(dm.get("source"));
                    assertThat(in.dataset().schema()).isEqualTo(dm.get("schema"));
                    assertThat(in.dataset().profile()).isEqualTo(dm.get("profile"));
                    assertThat(in.tags()).hasSize(((Map<?, ?>) im.get("tags")).size());
                  });
          inputs++;
        }
      }
    }
    assertThat(r.run().inputs()).hasSize(inputs);
  }

  static double pyFloat(String s) {
    return switch (s) {
      case "nan" -> Double.NaN;
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }

  static Map<String, String> files(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, Path> e : MlflowFiles.keyedFiles(dir).entrySet()) {
      out.put(e.getKey(), Files.readString(e.getValue()));
    }
    return out;
  }

  static final ObjectMapper JSON = new ObjectMapper();
}
