package io.tracklog.benchmarks.layouts;

import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB (the store Aim uses) through rocksdbjni, default options (WAL on, {@code sync = false}: a
 * write reaches the WAL in the page cache, as every other layout here; memtable flushes and
 * compactions in background threads). Keys, UTF-8:
 *
 * <pre>
 *   e/&lt;name&gt;                         experiment id
 *   r/&lt;run&gt;/i                        run info: experiment, start time, status, end time, name
 *   r/&lt;run&gt;/l/&lt;key&gt;                latest point of a metric (step, timestamp, value: 24 bytes)
 *   r/&lt;run&gt;/p/&lt;key&gt;, r/&lt;run&gt;/t/&lt;key&gt;  param, tag
 *   m/&lt;run&gt;/&lt;key&gt;\0&lt;seq&gt;           one point (timestamp, value, step), seq big-endian per series
 * </pre>
 *
 * A log call is one {@link WriteBatch} (the point and, when it is newer, the latest value), so it is
 * atomic. Search iterates the {@code r/} range (every run's info, params, tags and latest values, in
 * key order) and filters in Java; a history iterates one series' key range.
 */
final class RocksDbLayout implements StorageLayout {
  static {
    RocksDB.loadLibrary();
  }

  private final Path root;
  private final Options options;
  private final RocksDB db;
  private final WriteOptions writeOptions = new WriteOptions();

  RocksDbLayout(Path root) {
    this.root = root;
    try {
      Files.createDirectories(root);
      options = new Options().setCreateIfMissing(true);
      db = RocksDB.open(options, root.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RocksDBException e) {
      throw new IllegalStateException("Cannot open RocksDB at " + root, e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Path root() {
    return root;
  }

  @Override
  public synchronized String createExperiment(String name) {
    try {
      int n = 0;
      try (RocksIterator it = db.newIterator()) {
        for (it.seek(utf8("e/")); it.isValid() && it.key()[0] == 'e'; it.next()) {
          n++;
        }
      }
      String id = Integer.toString(n);
      db.put(writeOptions, utf8("e/" + name), utf8(id));
      return id;
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String experimentId(String name) {
    try {
      byte[] v = db.get(utf8("e/" + name));
      if (v == null) {
        throw new IllegalArgumentException("No experiment " + name);
      }
      return new String(v, StandardCharsets.UTF_8);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] info(String experimentId, long start, String status, long end, String name) {
    return utf8(experimentId + "\t" + start + "\t" + status + "\t" + end + "\t" + name);
  }

  @Override
  public LayoutRun startRun(String experimentId, String runId, String runName, long startTimeMs) {
    String id = runId != null ? runId : UUID.randomUUID().toString().replace("-", "");
    String name = runName != null ? runName : "run-" + id.substring(0, 8);
    RocksRun run = new RocksRun(id, experimentId, name, startTimeMs);
    try (WriteBatch b = new WriteBatch()) {
      b.put(utf8("r/" + id + "/i"), info(experimentId, startTimeMs, "RUNNING", -1, name));
      b.put(utf8("r/" + id + "/t/mlflow.runName"), utf8(name));
      b.put(utf8("r/" + id + "/t/mlflow.user"), utf8("bench"));
      db.write(writeOptions, b);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
    return run;
  }

  /** Per-series state kept by the writer: key prefixes, next seq and the latest point. */
  private static final class Series {
    final byte[] pointPrefix;
    final byte[] latestKey;
    long seq;
    boolean has;
    long step;
    long ts;
    double value;

    Series(String runId, String key) {
      byte[] p = utf8("m/" + runId + "/" + key);
      pointPrefix = Arrays.copyOf(p, p.length + 1); // trailing \0 separates key from seq
      latestKey = utf8("r/" + runId + "/l/" + key);
    }
  }

  private final class RocksRun implements LayoutRun {
    private final String runId;
    private final String experimentId;
    private final String name;
    private final long start;
    private final Map<String, Series> series = new HashMap<>();
    private final WriteBatch batch = new WriteBatch();
    private final ByteBuffer value24 = ByteBuffer.allocate(24);

    RocksRun(String runId, String experimentId, String name, long start) {
      this.runId = runId;
      this.experimentId = experimentId;
      this.name = name;
      this.start = start;
    }

    @Override
    public String runId() {
      return runId;
    }

    private void add(String key, double value, long ts, long step) throws RocksDBException {
      Series s = series.computeIfAbsent(key, k -> new Series(runId, k));
      byte[] k = Arrays.copyOf(s.pointPrefix, s.pointPrefix.length + 8);
      ByteBuffer.wrap(k, s.pointPrefix.length, 8).putLong(s.seq++);
      batch.put(k, value24.clear().putLong(ts).putDouble(value).putLong(step).array().clone());
      if (!s.has || SearchHit.newer(step, ts, value, s.step, s.ts, s.value)) {
        s.has = true;
        s.step = step;
        s.ts = ts;
        s.value = value;
        batch.put(s.latestKey, value24.clear().putLong(step).putLong(ts).putDouble(value).array().clone());
      }
    }

    @Override
    public synchronized void logMetric(String key, double value, long timestampMs, long step) {
      try {
        batch.clear();
        add(key, value, timestampMs, step);
        db.write(writeOptions, batch);
      } catch (RocksDBException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public synchronized void logBatch(List<Metric> metrics, List<Param> params, List<RunTag> tags) {
      try {
        batch.clear();
        for (Param p : params) {
          batch.put(utf8("r/" + runId + "/p/" + p.key()), utf8(p.value()));
        }
        for (Metric m : metrics) {
          add(m.key(), m.value(), m.timestampMs(), m.step());
        }
        for (RunTag t : tags) {
          batch.put(utf8("r/" + runId + "/t/" + t.key()), utf8(t.value()));
        }
        db.write(writeOptions, batch);
      } catch (RocksDBException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void end(long endTimeMs) {
      try {
        db.put(writeOptions, utf8("r/" + runId + "/i"), info(experimentId, start, "FINISHED", endTimeMs, name));
      } catch (RocksDBException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      batch.close();
    }
  }

  @Override
  public List<String> search(RunQuery q) {
    byte[] metricSuffix = utf8("/l/" + q.metricKey());
    byte[] orderSuffix = utf8("/l/" + q.orderMetric());
    byte[] paramSuffix = utf8("/p/" + q.paramKey());
    byte[] prefix = utf8(q.paramPrefix());
    List<SearchHit> hits = new ArrayList<>();
    try (RocksIterator it = db.newIterator()) {
      String run = null;
      boolean inExperiment = false;
      long startTime = 0;
      boolean paramOk = false;
      boolean metricOk = false;
      boolean hasOrder = false;
      double order = 0;
      for (it.seek(utf8("r/")); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k[0] != 'r') {
          break;
        }
        int slash = indexOf(k, (byte) '/', 2);
        String id = new String(k, 2, slash - 2, StandardCharsets.ISO_8859_1);
        if (!id.equals(run)) {
          if (run != null && inExperiment && paramOk && metricOk) {
            hits.add(new SearchHit(run, startTime, order, hasOrder));
          }
          run = id;
          inExperiment = paramOk = metricOk = hasOrder = false;
        }
        char kind = (char) k[slash + 1];
        if (kind == 'i') {
          String[] f = new String(it.value(), StandardCharsets.UTF_8).split("\t");
          inExperiment = q.experimentIds().contains(f[0]);
          startTime = Long.parseLong(f[1]);
        } else if (kind == 'l') {
          if (endsWith(k, metricSuffix)) {
            metricOk = ByteBuffer.wrap(it.value()).getDouble(16) > q.metricAbove();
          }
          if (endsWith(k, orderSuffix)) {
            hasOrder = true;
            order = ByteBuffer.wrap(it.value()).getDouble(16);
          }
        } else if (kind == 'p' && endsWith(k, paramSuffix)) {
          byte[] v = it.value();
          paramOk = v.length >= prefix.length && Arrays.equals(v, 0, prefix.length, prefix, 0, prefix.length);
        }
      }
      if (run != null && inExperiment && paramOk && metricOk) {
        hits.add(new SearchHit(run, startTime, order, hasOrder));
      }
    }
    return SearchHit.top(hits, q);
  }

  private static int indexOf(byte[] b, byte c, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return b.length;
  }

  private static boolean endsWith(byte[] k, byte[] suffix) {
    return k.length >= suffix.length && Arrays.equals(k, k.length - suffix.length, k.length, suffix, 0, suffix.length);
  }

  @Override
  public List<Metric> metricHistory(String runId, String key) {
    byte[] p = utf8("m/" + runId + "/" + key);
    byte[] prefix = Arrays.copyOf(p, p.length + 1);
    List<Metric> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k.length != prefix.length + 8 || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
          break;
        }
        ByteBuffer v = ByteBuffer.wrap(it.value());
        out.add(new Metric(key, v.getDouble(8), v.getLong(0), v.getLong(16)));
      }
    }
    return out;
  }

  @Override
  public void compact() {
    try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
      db.flush(f);
      db.compactRange();
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    db.close();
    options.close();
    writeOptions.close();
  }
}
