package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.ArtifactInfo;
import io.tracklog.Experiment;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.error.InvalidStateException;
import io.tracklog.error.ResourceNotFoundException;
import io.tracklog.error.RunNotFoundException;
import io.tracklog.reader.search.ExperimentSearch;
import io.tracklog.reader.search.ExperimentSearchRequest;
import io.tracklog.reader.search.RunSearch;
import io.tracklog.reader.search.SearchRequest;
import io.tracklog.registry.ModelRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Store → archive → reader gives the same answers; verify, ls and import. */
class ArchiveTest {
  @TempDir Path dir;

  /** Ids of the fixture: two experiments, nested runs, a deleted run, a registered model. */
  record Fixture(String exp, String other, List<String> runs, String parent, String child, String modelRun) {}

  static Fixture fixture(Store store) throws IOException {
    String exp = store.createExperiment("vision", "file:///tmp/art", Map.of("team", "cv"));
    String other = store.createExperiment("other");
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int n = i;
      runs.add(store.run(RunSpec.of(i % 2 == 0 ? exp : other, "r" + i), r -> {
        r.logParam("lr", "0.0" + n);
        r.setTag("fold", Integer.toString(n % 3));
        for (int s = 0; s < 50; s++) {
          r.logMetric("loss", 1.0 / (s + n + 1), s);
        }
        r.logMetric("acc", n * 0.1, 3);
        r.logMetric("acc", n * 0.2, 1); // out of step order
        r.logText("notes " + n, "notes/readme.txt");
      }));
    }
    store.deleteRun(runs.get(2));
    String parent = store.run(RunSpec.of(exp, "parent"), r -> r.logParam("grid", "yes"));
    String child = store.run(RunSpec.builder(other).runName("child").parentRunId(parent).build(), r -> r.logMetric("m", 1, 0));
    String modelRun = store.run(RunSpec.of(exp, "train"), r -> {
      r.logMetric("auc", 0.9, 0);
      r.logText("weights", "model/model.bin");
      r.logText("flavors: {}\n", "model/MLmodel");
    });
    ModelRegistry reg = store.registry();
    reg.createRegisteredModel("m0", Map.of("k", "v"), "first");
    reg.registerModel("runs:/" + modelRun + "/model", "m0");
    reg.registerModel("runs:/" + runs.get(0) + "/model", "m0");
    reg.renameRegisteredModel("m0", "mnist");
    reg.setRegisteredModelAlias("mnist", "champion", 1);
    reg.setModelVersionTag("mnist", 2, "validated", "no");
    reg.createRegisteredModel("unrelated");
    store.compact();
    return new Fixture(exp, other, runs, parent, child, modelRun);
  }

  private static StoreOptions manual() {
    return StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
  }

  @Test
  void archiveOfExperiments_answersAsTheStore() throws IOException {
    Path root = dir.resolve("store");
    Path file = dir.resolve("a.tlar");
    Fixture f;
    try (Store store = Store.open(root, manual())) {
      f = fixture(store);
      ArchiveContents c = Archive.create(store, Archive.Selection.ofExperiments(List.of(f.exp(), f.other())), file);
      assertThat(c.runs()).hasSize(9);
    }
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("store", "a.tlar");
    try (StoreReader source = StoreReader.open(root); StoreReader archive = StoreReader.open(file)) {
      assertSameAnswers(source, archive, List.of(f.exp(), f.other()));
    }
  }

  @Test
  void archiveOfModel_holdsItsRunParentsAndRegistry() throws IOException {
    Path root = dir.resolve("store");
    Path file = dir.resolve("m.tlar");
    Fixture f;
    try (Store store = Store.open(root, manual())) {
      f = fixture(store);
      store.registry().registerModel("runs:/" + f.child() + "/model", "mnist");
      store.registry().setRegisteredModelAlias("mnist", "nested", 3);
      ArchiveContents c = Archive.create(store, Archive.Selection.ofModel("mnist@nested"), file);
      assertThat(c.runs()).extracting(ArchiveContents.RunEntry::runId).containsExactly(f.parent(), f.child());
      assertThat(c.models()).containsExactly("mnist");
      Archive.create(store, Archive.Selection.ofModel("mnist/1"), file); // replaces it
    }
    try (StoreReader source = StoreReader.open(root); StoreReader archive = StoreReader.open(file)) {
      Snapshot s = archive.snapshot();
      assertThat(s.getRun(f.modelRun())).isEqualTo(source.snapshot().getRun(f.modelRun()));
      assertThatThrownBy(() -> s.getRun(f.child())).isInstanceOf(RunNotFoundException.class);
      assertThat(archive.registry().model("mnist")).isEqualTo(source.registry().model("mnist"));
      assertThat(archive.registry().versions("mnist")).isEqualTo(source.registry().versions("mnist"));
      assertThat(archive.registry().versionByAlias("mnist", "champion")).isEqualTo(source.registry().versionByAlias("mnist", "champion"));
      assertThat(archive.registry().model("unrelated")).isEmpty();
      assertThat(archive.modelHistory("mnist")).isEqualTo(source.modelHistory("mnist"));
      assertThatThrownBy(() -> archive.modelHistory("unrelated")).isInstanceOf(ResourceNotFoundException.class);
      for (String filter : new String[] {"", "name = 'mnist'", "tags.k = 'v'"}) {
        assertThat(archive.searchRegisteredModels(filter, 100, List.of(), null).models())
            .isEqualTo(source.searchRegisteredModels(filter + (filter.isEmpty() ? "name = 'mnist'" : " AND name = 'mnist'"), 100, List.of(), null).models());
      }
      assertThat(archive.searchModelVersions("name = 'mnist'", 100, List.of("version_number DESC"), null).versions())
          .isEqualTo(source.searchModelVersions("name = 'mnist'", 100, List.of("version_number DESC"), null).versions());
      try (InputStream in = archive.openArtifact(f.modelRun(), "model/model.bin")) {
        assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("weights");
      }
    }
  }

  @Test
  void archive_isReadOnly_andListsAndVerifies() throws IOException {
    Path root = dir.resolve("store");
    Path file = dir.resolve("a.tlar");
    Fixture f;
    try (Store store = Store.open(root, manual())) {
      f = fixture(store);
      Archive.create(store, Archive.Selection.ofRuns(List.of(f.runs().get(1))), file);
    }
    assertThatThrownBy(() -> Store.open(file)).isInstanceOf(InvalidStateException.class).hasMessageContaining("read-only");
    ArchiveContents listed = Archive.list(file);
    assertThat(listed.runs()).extracting(ArchiveContents.RunEntry::runId).containsExactly(f.runs().get(1));
    assertThat(listed.entries().keySet()).anyMatch(n -> n.startsWith("store/compacted/experiment=" + f.other() + "/metrics-"))
        .contains("store/runs/" + f.runs().get(1) + "/artifacts/notes/readme.txt");
    assertThat(Archive.verify(file)).isEqualTo(listed);
  }

  @Test
  void import_keepsIds_andIsIdempotent() throws IOException {
    Path root = dir.resolve("store");
    Path file = dir.resolve("a.tlar");
    Path target = dir.resolve("target");
    Fixture f;
    try (Store store = Store.open(root, manual())) {
      f = fixture(store);
      Archive.create(store, new Archive.Selection(List.of(), List.of(f.exp(), f.other()), "mnist@champion", io.tracklog.SegmentCompression.ZSTD), file);
    }
    try (Store store = Store.open(target, manual())) {
      Archive.ImportResult first = Archive.importInto(file, store);
      assertThat(first.runsImported()).hasSize(9);
      assertThat(first.modelsImported()).containsExactly("mnist");
      Archive.ImportResult again = Archive.importInto(file, store);
      assertThat(again.runsImported()).isEmpty();
      assertThat(again.runsSkipped()).hasSize(9);
      assertThat(again.modelsImported()).isEmpty();
      store.compact();
    }
    try (StoreReader source = StoreReader.open(root); StoreReader imported = StoreReader.open(target)) {
      assertSameAnswers(source, imported, List.of(f.exp(), f.other()));
      assertThat(imported.registry().model("mnist")).isEqualTo(source.registry().model("mnist"));
      assertThat(imported.modelHistory("mnist")).isEqualTo(source.modelHistory("mnist"));
    }
  }

  @Test
  void import_ofAModelTheTargetHasOtherwise_isRefused_beforeAnythingIsWritten() throws IOException {
    Path root = dir.resolve("store");
    Path file = dir.resolve("a.tlar");
    try (Store store = Store.open(root, manual())) {
      fixture(store);
      Archive.create(store, Archive.Selection.ofModel("mnist@champion"), file);
    }
    try (Store store = Store.open(dir.resolve("target"), manual())) {
      store.registry().createRegisteredModel("mnist");
      assertThatThrownBy(() -> Archive.importInto(file, store))
          .isInstanceOf(io.tracklog.error.ResourceAlreadyExistsException.class)
          .hasMessageContaining("mnist");
      assertThat(store.catalogSnapshot().runCount()).isZero();
      assertThat(store.experiments()).extracting(Experiment::experimentId).containsExactly("0");
    }
  }

  /** Every answer of {@code a} about the experiments {@code exps} equals {@code b}'s. */
  static void assertSameAnswers(StoreReader a, StoreReader b, List<String> exps) throws IOException {
    Snapshot sa = a.snapshot();
    Snapshot sb = b.snapshot();
    for (String exp : exps) {
      assertThat(sb.getExperiment(exp)).isEqualTo(sa.getExperiment(exp));
      for (ViewType view : ViewType.values()) {
        assertThat(sb.runs(exp, view)).as("runs %s %s", exp, view).isEqualTo(sa.runs(exp, view));
      }
      for (String runId : sa.runIds(exp)) {
        Run run = sa.getRun(runId);
        assertThat(sb.getRun(runId)).isEqualTo(run);
        for (String key : run.metrics().keySet()) {
          assertThat(sb.metricHistory(runId, key)).as("%s %s", runId, key).isEqualTo(sa.metricHistory(runId, key));
          assertThat(sb.metricHistory(runId, key, 7, null)).isEqualTo(sa.metricHistory(runId, key, 7, null));
        }
        assertSameArtifacts(a, b, runId, null);
      }
    }
    List<Function<SearchRequest.Builder, SearchRequest.Builder>> requests = List.of(
        r -> r,
        r -> r.filter("metrics.loss < 0.5").orderBy("metrics.acc DESC"),
        r -> r.filter("params.lr != '0.01' AND tags.fold = '1'"),
        r -> r.orderBy("start_time ASC").maxResults(3),
        r -> r.viewType(ViewType.ALL).orderBy("attributes.run_name"),
        r -> r.filter("attributes.status = 'FINISHED'").viewType(ViewType.DELETED_ONLY));
    for (var req : requests) {
      SearchRequest request = req.apply(SearchRequest.builder(exps)).build();
      for (int page = 0; request != null && page < 10; page++) {
        var pa = RunSearch.search(sa, request);
        assertThat(RunSearch.search(sb, request)).isEqualTo(pa);
        request = pa.nextPageToken() == null ? null : request.withPageToken(pa.nextPageToken());
      }
    }
    Map<String, Experiment> want = new LinkedHashMap<>();
    for (Experiment e : ExperimentSearch.search(sa, ExperimentSearchRequest.builder().viewType(ViewType.ALL).build()).experiments()) {
      if (exps.contains(e.experimentId())) {
        want.put(e.experimentId(), e);
      }
    }
    assertThat(ExperimentSearch.search(sb, ExperimentSearchRequest.builder().viewType(ViewType.ALL).build()).experiments())
        .filteredOn(e -> exps.contains(e.experimentId()))
        .containsExactlyElementsOf(want.values());
  }

  private static void assertSameArtifacts(StoreReader a, StoreReader b, String runId, String path) throws IOException {
    List<ArtifactInfo> list = a.listArtifacts(runId, path);
    assertThat(b.listArtifacts(runId, path)).isEqualTo(list);
    for (ArtifactInfo info : list) {
      if (info.isDir()) {
        assertSameArtifacts(a, b, runId, info.path());
      } else {
        try (InputStream x = a.openArtifact(runId, info.path()); InputStream y = b.openArtifact(runId, info.path())) {
          assertThat(y.readAllBytes()).isEqualTo(x.readAllBytes());
        }
      }
    }
  }

  @Test
  void runningRun_isArchivedAsItIsNow() throws IOException {
    Path root = dir.resolve("store");
    Path file = dir.resolve("r.tlar");
    try (Store store = Store.open(root, manual())) {
      String exp = store.createExperiment("e");
      try (RunWriter run = store.startRun(RunSpec.of(exp, "live"))) {
        run.logMetric("x", 1, 0);
        Archive.create(store, Archive.Selection.ofRuns(List.of(run.runId())), file);
        try (StoreReader archive = StoreReader.open(file)) {
          Run r = archive.snapshot().getRun(run.runId());
          assertThat(r.info().status()).isEqualTo(RunStatus.RUNNING);
          assertThat(r.metric("x")).isEqualTo(1.0);
        }
        run.end(RunStatus.FINISHED);
      }
    }
  }
}
