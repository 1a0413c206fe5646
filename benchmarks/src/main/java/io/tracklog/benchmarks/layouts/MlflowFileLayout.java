package io.tracklog.benchmarks.layouts;

import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * MLflow's FileStore layout (mlflow/store/tracking/file_store.py) written from Java, as an upper bound for
 * MLflow's own file store: {@code <root>/<exp>/meta.yaml}; {@code <root>/<exp>/<run>/meta.yaml};
 * {@code metrics/<key>} with a {@code "<timestamp> <value> <step>"} line appended per point (the file
 * opened, appended and closed per call, as MLflow does); {@code params/<key>} and {@code tags/<key>}
 * holding the raw value. Faster than MLflow by construction: no Python, no per-call re-read of the
 * run's meta.yaml to check it is active, one append per key in a batch (MLflow appends per metric),
 * and a search that reads only the files the query needs (MLflow reads every file of every run).
 * Each call reaches the page cache ({@code write}); nothing is fsynced.
 */
final class MlflowFileLayout implements StorageLayout {
  private static final Set<String> RESERVED = Set.of("meta.yaml", "tags", "datasets", "traces", "models");
  private final Path root;
  private final AtomicInteger nextExperiment;

  MlflowFileLayout(Path root) {
    this.root = root;
    try {
      Files.createDirectories(root);
      int max = -1;
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
        for (Path p : ds) {
          try {
            max = Math.max(max, Integer.parseInt(p.getFileName().toString()));
          } catch (NumberFormatException ignored) {
            // not an experiment directory
          }
        }
      }
      nextExperiment = new AtomicInteger(max + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Path root() {
    return root;
  }

  @Override
  public String createExperiment(String name) {
    String id = Integer.toString(nextExperiment.getAndIncrement());
    Path dir = root.resolve(id);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long now = System.currentTimeMillis();
    write(dir.resolve("meta.yaml"),
        "artifact_location: file://" + dir.toAbsolutePath() + "\ncreation_time: " + now + "\nexperiment_id: '" + id
            + "'\nlast_update_time: " + now + "\nlifecycle_stage: active\nname: " + name + "\n",
        true);
    return id;
  }

  @Override
  public String experimentId(String name) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      for (Path p : ds) {
        Path meta = p.resolve("meta.yaml");
        if (Files.exists(meta) && name.equals(yaml(Files.readString(meta)).get("name"))) {
          return p.getFileName().toString();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException("No experiment " + name);
  }

  private static String runMeta(String runId, String name, String experimentId, Path runDir, int status, long start, String end) {
    return "artifact_uri: file://" + runDir.toAbsolutePath() + "/artifacts\nend_time: " + end
        + "\nentry_point_name: ''\nexperiment_id: '" + experimentId + "'\nlifecycle_stage: active\nrun_id: " + runId
        + "\nrun_name: " + name + "\nrun_uuid: " + runId + "\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: "
        + start + "\nstatus: " + status + "\ntags: []\nuser_id: bench\n";
  }

  @Override
  public LayoutRun startRun(String experimentId, String runId, String runName, long startTimeMs) {
    String id = runId != null ? runId : UUID.randomUUID().toString().replace("-", "");
    String name = runName != null ? runName : "run-" + id.substring(0, 8);
    Path dir = root.resolve(experimentId).resolve(id);
    try {
      Files.createDirectories(dir.resolve("metrics"));
      Files.createDirectories(dir.resolve("params"));
      Files.createDirectories(dir.resolve("tags"));
      Files.createDirectories(dir.resolve("artifacts"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    write(dir.resolve("meta.yaml"), runMeta(id, name, experimentId, dir, 1, startTimeMs, "null"), true);
    write(dir.resolve("tags").resolve("mlflow.runName"), name, true);
    write(dir.resolve("tags").resolve("mlflow.user"), "bench", true);
    return new FileRun(id, name, experimentId, dir, startTimeMs);
  }

  private final class FileRun implements LayoutRun {
    private final String runId;
    private final String name;
    private final String experimentId;
    private final Path dir;
    private final long start;
    private final Set<Path> knownParents = new HashSet<>();
    private final StringBuilder line = new StringBuilder(64);

    FileRun(String runId, String name, String experimentId, Path dir, long start) {
      this.runId = runId;
      this.name = name;
      this.experimentId = experimentId;
      this.dir = dir;
      this.start = start;
    }

    @Override
    public String runId() {
      return runId;
    }

    private Path file(String sub, String key) {
      Path p = dir.resolve(sub).resolve(key);
      if (key.indexOf('/') >= 0) {
        Path parent = p.getParent();
        if (knownParents.add(parent)) {
          try {
            Files.createDirectories(parent);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
      return p;
    }

    @Override
    public synchronized void logMetric(String key, double value, long timestampMs, long step) {
      line.setLength(0);
      line.append(timestampMs).append(' ').append(value).append(' ').append(step).append('\n');
      append(file("metrics", key), line.toString());
    }

    @Override
    public synchronized void logBatch(List<Metric> metrics, List<Param> params, List<RunTag> tags) {
      for (Param p : params) {
        write(file("params", p.key()), p.value(), false);
      }
      Map<String, StringBuilder> byKey = new LinkedHashMap<>();
      for (Metric m : metrics) {
        byKey.computeIfAbsent(m.key(), k -> new StringBuilder())
            .append(m.timestampMs()).append(' ').append(m.value()).append(' ').append(m.step()).append('\n');
      }
      for (Map.Entry<String, StringBuilder> e : byKey.entrySet()) {
        append(file("metrics", e.getKey()), e.getValue().toString());
      }
      for (RunTag t : tags) {
        write(file("tags", t.key()), t.value(), true);
      }
    }

    @Override
    public void logParam(String key, String value) {
      write(file("params", key), value, false);
    }

    @Override
    public void setTag(String key, String value) {
      write(file("tags", key), value, true);
    }

    @Override
    public void end(long endTimeMs) {
      write(dir.resolve("meta.yaml"), runMeta(runId, name, experimentId, dir, 3, start, Long.toString(endTimeMs)), true);
    }

    @Override
    public void close() {}
  }

  private static void write(Path file, String text, boolean overwrite) {
    try {
      if (overwrite) {
        Files.writeString(file, text, StandardCharsets.UTF_8);
      } else {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  private static void append(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append to " + file, e);
    }
  }

  /** The flat {@code key: value} lines of a meta.yaml (all MLflow writes there). */
  static Map<String, String> yaml(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String l : text.split("\n")) {
      int c = l.indexOf(": ");
      if (c > 0) {
        String v = l.substring(c + 2);
        if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
          v = v.substring(1, v.length() - 1);
        }
        m.put(l.substring(0, c), v);
      }
    }
    return m;
  }

  // ---- reading ----------------------------------------------------------------------------------

  /** Latest (step, timestamp, value) of a metric file, or null if absent. */
  private static double[] latest(Path file) throws IOException {
    byte[] b;
    try {
      b = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    double[] best = null;
    int i = 0;
    while (i < b.length) {
      int e1 = indexOf(b, (byte) ' ', i);
      int e2 = indexOf(b, (byte) ' ', e1 + 1);
      int nl = indexOf(b, (byte) '\n', e2 + 1);
      long ts = parseLong(b, i, e1);
      double v = Double.parseDouble(new String(b, e1 + 1, e2 - e1 - 1, StandardCharsets.ISO_8859_1));
      long step = parseLong(b, e2 + 1, nl);
      if (best == null || step > best[0] || (step == best[0] && (ts > best[1] || (ts == best[1] && v > best[2])))) {
        best = new double[] {step, ts, v};
      }
      i = nl + 1;
    }
    return best;
  }

  private static int indexOf(byte[] b, byte c, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return b.length;
  }

  private static long parseLong(byte[] b, int from, int to) {
    boolean neg = b[from] == '-';
    long v = 0;
    for (int i = neg ? from + 1 : from; i < to; i++) {
      v = v * 10 + (b[i] - '0');
    }
    return neg ? -v : v;
  }

  @Override
  public List<String> search(RunQuery q) {
    List<SearchHit> hits = new ArrayList<>();
    try {
      for (String exp : q.experimentIds()) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.resolve(exp))) {
          for (Path run : ds) {
            String runId = run.getFileName().toString();
            if (RESERVED.contains(runId)) {
              continue;
            }
            Map<String, String> meta = yaml(Files.readString(run.resolve("meta.yaml")));
            if (!"active".equals(meta.get("lifecycle_stage"))) {
              continue;
            }
            Path param = run.resolve("params").resolve(q.paramKey());
            if (!Files.exists(param) || !Files.readString(param).startsWith(q.paramPrefix())) {
              continue;
            }
            double[] m = latest(run.resolve("metrics").resolve(q.metricKey()));
            if (m == null || !(m[2] > q.metricAbove())) {
              continue;
            }
            double[] o = latest(run.resolve("metrics").resolve(q.orderMetric()));
            hits.add(new SearchHit(runId, Long.parseLong(meta.get("start_time")), o == null ? 0 : o[2], o != null));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return SearchHit.top(hits, q);
  }

  @Override
  public List<Metric> metricHistory(String runId, String key) {
    try {
      Path file = null;
      // As MLflow's FileStore finds a run: look for its directory in every experiment.
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
        for (Path exp : ds) {
          Path candidate = exp.resolve(runId);
          if (Files.isDirectory(candidate)) {
            file = candidate.resolve("metrics").resolve(key);
            break;
          }
        }
      }
      if (file == null) {
        throw new IllegalArgumentException("No run " + runId);
      }
      byte[] b = Files.readAllBytes(file);
      List<Metric> out = new ArrayList<>();
      int i = 0;
      while (i < b.length) {
        int e1 = indexOf(b, (byte) ' ', i);
        int e2 = indexOf(b, (byte) ' ', e1 + 1);
        int nl = indexOf(b, (byte) '\n', e2 + 1);
        long ts = parseLong(b, i, e1);
        double v = Double.parseDouble(new String(b, e1 + 1, e2 - e1 - 1, StandardCharsets.ISO_8859_1));
        long step = parseLong(b, e2 + 1, nl);
        out.add(new Metric(key, v, ts, step));
        i = nl + 1;
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {}
}
