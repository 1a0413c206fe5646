package io.tracklog.benchmarks.layouts;

import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * MLflow's tracking schema (experiments, runs, metrics, latest_metrics, params, tags with MLflow's
 * primary keys and its {@code index_<table>_run_uuid} indexes, as in MLflow's migrations) on SQLite
 * through sqlite-jdbc, {@code journal_mode=WAL}, {@code synchronous=NORMAL}: a commit reaches the WAL
 * in the page cache and is not fsynced (the same durability class as every other layout here;
 * MLflow's SQLAlchemy default on SQLite is {@code synchronous=FULL}, an fsync per commit).
 *
 * <p>Per call, as MLflow's SqlAlchemyStore: one transaction that inserts the metric row and updates
 * latest_metrics (an upsert keeping the greatest (step, timestamp, value); MLflow selects, compares in
 * Python and merges, so this is an upper bound). log_batch is one transaction. The batched variant
 * ({@code batched = true}) commits every {@value #BATCH} log calls and when a run ends or closes.
 *
 * <p>Connections, per call: one per thread, each write a transaction BEGIN IMMEDIATE ... COMMIT
 * (SQLite serialises the writers with its database write lock; busy_timeout 60 s).
 *
 * <p>Batched: every write of every thread goes through one writer connection, guarded by an
 * in-process lock that a thread holds for one call only; the batch's transaction is shared, and
 * {@value #BATCH} calls of any runs, or a run ending or closing, commit it. Reads use per-thread
 * connections and see committed rows. Why not a batch per thread connection: the open batch holds
 * SQLite's write lock while its thread is outside the store, so the other writers can proceed only
 * while that thread keeps calling. When it stops (here, JMH's end-of-iteration barrier, where a
 * thread waits for the others before its run closes and commits), the others' BEGIN IMMEDIATE wait
 * in the busy handler until busy_timeout and fail with SQLITE_BUSY: a deadlock between the SQLite
 * lock and the caller's own synchronisation, which no busy_timeout or fair lock around the batch can
 * resolve. With one writer connection no lock is held between calls.
 */
final class SqliteLayout implements StorageLayout {
  static final int BATCH = 1000;

  private static final String[] SCHEMA = {
    "CREATE TABLE IF NOT EXISTS experiments (experiment_id INTEGER NOT NULL, name VARCHAR(256) NOT NULL,"
        + " artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32), creation_time BIGINT, last_update_time BIGINT,"
        + " CONSTRAINT experiment_pk PRIMARY KEY (experiment_id), UNIQUE (name))",
    "CREATE TABLE IF NOT EXISTS runs (run_uuid VARCHAR(32) NOT NULL, name VARCHAR(250), source_type VARCHAR(20),"
        + " source_name VARCHAR(500), entry_point_name VARCHAR(50), user_id VARCHAR(256), status VARCHAR(9),"
        + " start_time BIGINT, end_time BIGINT, source_version VARCHAR(50), lifecycle_stage VARCHAR(20),"
        + " artifact_uri VARCHAR(200), experiment_id INTEGER, deleted_time BIGINT,"
        + " CONSTRAINT run_pk PRIMARY KEY (run_uuid), FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id))",
    "CREATE TABLE IF NOT EXISTS metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT NOT NULL,"
        + " run_uuid VARCHAR(32) NOT NULL, step BIGINT DEFAULT '0' NOT NULL, is_nan BOOLEAN DEFAULT '0' NOT NULL,"
        + " CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan),"
        + " FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid))",
    "CREATE TABLE IF NOT EXISTS latest_metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT,"
        + " step BIGINT NOT NULL, is_nan BOOLEAN NOT NULL, run_uuid VARCHAR(32) NOT NULL,"
        + " CONSTRAINT latest_metric_pk PRIMARY KEY (key, run_uuid), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid))",
    "CREATE TABLE IF NOT EXISTS params (key VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL,"
        + " run_uuid VARCHAR(32) NOT NULL, CONSTRAINT param_pk PRIMARY KEY (key, run_uuid),"
        + " FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid))",
    "CREATE TABLE IF NOT EXISTS tags (key VARCHAR(250) NOT NULL, value VARCHAR(8000), run_uuid VARCHAR(32) NOT NULL,"
        + " CONSTRAINT tag_pk PRIMARY KEY (key, run_uuid), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid))",
    "CREATE INDEX IF NOT EXISTS index_metrics_run_uuid ON metrics (run_uuid)",
    "CREATE INDEX IF NOT EXISTS index_latest_metrics_run_uuid ON latest_metrics (run_uuid)",
    "CREATE INDEX IF NOT EXISTS index_params_run_uuid ON params (run_uuid)",
    "CREATE INDEX IF NOT EXISTS index_tags_run_uuid ON tags (run_uuid)",
  };

  private static final String INSERT_METRIC =
      "INSERT OR IGNORE INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)";
  private static final String UPSERT_LATEST =
      "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp,"
          + " step = excluded.step, is_nan = excluded.is_nan"
          + " WHERE (excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)";

  private final Path root;
  private final Path dbFile;
  private final boolean batched;
  private final List<Conn> all = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Conn> local = ThreadLocal.withInitial(this::newConn);
  /** Batched: the connection all writes go through (see the class javadoc); null per call. */
  private final Conn writer;
  /**
   * Batched: held by the thread using {@link #writer} for the length of one call. Not fair: the
   * competitors are measured as fast as their layout allows, and a fair lock hands off the thread on
   * every contended call (four threads: about 30–56 k calls/s fair, 65–76 k unfair, loaded machine).
   */
  private final ReentrantLock writeLock = new ReentrantLock();

  SqliteLayout(Path root, boolean batched) {
    this.root = root;
    this.batched = batched;
    this.dbFile = root.resolve("mlflow.db");
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      for (String ddl : SCHEMA) {
        st.execute(ddl);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create " + dbFile, e);
    }
    writer = batched ? newConn() : null;
  }

  /** Work on the connection writes go through; may throw SQLException. */
  private interface SqlWork<T> {
    T run(Conn c) throws SQLException;
  }

  /**
   * Runs {@code work} on the connection writes go through: per call the thread's own, batched the
   * shared {@link #writer} under {@link #writeLock} (released when the call returns, so no thread
   * holds it while it is outside the store).
   */
  private <T> T write(SqlWork<T> work) {
    if (writer == null) {
      return call(work, local.get());
    }
    writeLock.lock();
    try {
      return call(work, writer);
    } finally {
      writeLock.unlock();
    }
  }

  private static <T> T call(SqlWork<T> work, Conn c) {
    try {
      return work.run(c);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A connection with its prepared statements; used by one thread at a time. */
  private final class Conn {
    final Connection connection;
    final PreparedStatement insertMetric;
    final PreparedStatement upsertLatest;
    final PreparedStatement begin;
    final PreparedStatement end;
    boolean inTransaction;
    int pending;

    Conn() throws SQLException {
      Properties props = new Properties();
      props.setProperty("journal_mode", "WAL");
      props.setProperty("synchronous", "NORMAL");
      props.setProperty("busy_timeout", "60000");
      props.setProperty("foreign_keys", "false");
      connection = DriverManager.getConnection("jdbc:sqlite:" + dbFile, props);
      try (Statement st = connection.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
        st.execute("PRAGMA synchronous=NORMAL");
        st.execute("PRAGMA busy_timeout=60000");
        st.execute("PRAGMA case_sensitive_like=ON");
      }
      // Transactions by hand, BEGIN IMMEDIATE ... COMMIT: a writer takes the write lock first and waits in the
      // busy handler (a deferred transaction that read first fails at once with SQLITE_BUSY when another
      // writer committed meanwhile), and an idle connection holds no lock (the driver's own transaction
      // mode would begin the next transaction right after each commit).
      begin = connection.prepareStatement("BEGIN IMMEDIATE");
      end = connection.prepareStatement("COMMIT");
      insertMetric = connection.prepareStatement(INSERT_METRIC);
      upsertLatest = connection.prepareStatement(UPSERT_LATEST);
    }

    void begin() throws SQLException {
      if (!inTransaction) {
        begin.execute();
        inTransaction = true;
      }
    }

    void commit() {
      try {
        if (inTransaction) {
          end.execute();
          inTransaction = false;
        }
        pending = 0;
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Commits now (per call) or every BATCH calls on this connection (batched: of all threads). */
    void called() {
      if (!batched || ++pending >= BATCH) {
        commit();
      }
    }

    void metric(String runId, String key, double value, long ts, long step) throws SQLException {
      boolean nan = Double.isNaN(value);
      insertMetric.setString(1, key);
      insertMetric.setDouble(2, nan ? 0 : value);
      insertMetric.setLong(3, ts);
      insertMetric.setString(4, runId);
      insertMetric.setLong(5, step);
      insertMetric.setBoolean(6, nan);
      insertMetric.executeUpdate();
    }

    void latest(String runId, String key, double value, long ts, long step) throws SQLException {
      boolean nan = Double.isNaN(value);
      upsertLatest.setString(1, key);
      upsertLatest.setDouble(2, nan ? 0 : value);
      upsertLatest.setLong(3, ts);
      upsertLatest.setLong(4, step);
      upsertLatest.setBoolean(5, nan);
      upsertLatest.setString(6, runId);
      upsertLatest.executeUpdate();
    }
  }

  private Conn newConn() {
    try {
      Conn c = new Conn();
      all.add(c);
      return c;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot open " + dbFile, e);
    }
  }

  @Override
  public Path root() {
    return root;
  }

  @Override
  public String createExperiment(String name) {
    write(
        c -> {
          try (PreparedStatement ps =
              c.connection.prepareStatement(
                  "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)"
                      + " VALUES ((SELECT COALESCE(MAX(experiment_id), -1) + 1 FROM experiments), ?, ?, 'active', ?, ?)")) {
            c.begin();
            long now = System.currentTimeMillis();
            ps.setString(1, name);
            ps.setString(2, "file:///tmp/artifacts");
            ps.setLong(3, now);
            ps.setLong(4, now);
            ps.executeUpdate();
            c.commit();
          }
          return null;
        });
    return experimentId(name);
  }

  @Override
  public String experimentId(String name) {
    Conn c = local.get();
    try (PreparedStatement ps = c.connection.prepareStatement("SELECT experiment_id FROM experiments WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalArgumentException("No experiment " + name);
        }
        String id = Long.toString(rs.getLong(1));
        return id;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public LayoutRun startRun(String experimentId, String runId, String runName, long startTimeMs) {
    String id = runId != null ? runId : UUID.randomUUID().toString().replace("-", "");
    String name = runName != null ? runName : "run-" + id.substring(0, 8);
    write(
        c -> {
          c.begin();
          try (PreparedStatement ps =
              c.connection.prepareStatement(
                  "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time,"
                      + " end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)"
                      + " VALUES (?, ?, 'UNKNOWN', '', '', 'bench', 'RUNNING', ?, NULL, '', 'active', ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, name);
            ps.setLong(3, startTimeMs);
            ps.setString(4, "file:///tmp/artifacts/" + id);
            ps.setLong(5, Long.parseLong(experimentId));
            ps.executeUpdate();
          }
          tag(c, id, "mlflow.runName", name);
          tag(c, id, "mlflow.user", "bench");
          c.commit();
          return null;
        });
    return new SqlRun(id);
  }

  private static void tag(Conn c, String runId, String key, String value) throws SQLException {
    try (PreparedStatement ps = c.connection.prepareStatement("INSERT OR REPLACE INTO tags (key, value, run_uuid) VALUES (?, ?, ?)")) {
      ps.setString(1, key);
      ps.setString(2, value);
      ps.setString(3, runId);
      ps.executeUpdate();
    }
  }

  private final class SqlRun implements LayoutRun {
    private final String runId;

    SqlRun(String runId) {
      this.runId = runId;
    }

    @Override
    public String runId() {
      return runId;
    }

    @Override
    public void logMetric(String key, double value, long timestampMs, long step) {
      write(
          c -> {
            c.begin();
            c.metric(runId, key, value, timestampMs, step);
            c.latest(runId, key, value, timestampMs, step);
            c.called();
            return null;
          });
    }

    @Override
    public void logBatch(List<Metric> metrics, List<Param> params, List<RunTag> tags) {
      write(
          c -> {
            c.begin();
            if (!params.isEmpty()) {
              try (PreparedStatement ps = c.connection.prepareStatement("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)")) {
                for (Param p : params) {
                  ps.setString(1, p.key());
                  ps.setString(2, p.value());
                  ps.setString(3, runId);
                  ps.addBatch();
                }
                ps.executeBatch();
              }
            }
            // As MLflow: the rows, then one latest_metrics update per key with the batch's latest point.
            Map<String, Metric> latest = new HashMap<>();
            for (Metric m : metrics) {
              c.metric(runId, m.key(), m.value(), m.timestampMs(), m.step());
              Metric best = latest.get(m.key());
              if (best == null || m.isNewerThan(best)) {
                latest.put(m.key(), m);
              }
            }
            for (Metric m : latest.values()) {
              c.latest(runId, m.key(), m.value(), m.timestampMs(), m.step());
            }
            for (RunTag t : tags) {
              tag(c, runId, t.key(), t.value());
            }
            c.commit();
            return null;
          });
    }

    @Override
    public void end(long endTimeMs) {
      write(
          c -> {
            try (PreparedStatement ps = c.connection.prepareStatement("UPDATE runs SET status = 'FINISHED', end_time = ? WHERE run_uuid = ?")) {
              c.begin();
              ps.setLong(1, endTimeMs);
              ps.setString(2, runId);
              ps.executeUpdate();
              c.commit();
            }
            return null;
          });
    }

    @Override
    public void close() {
      write(
          c -> {
            if (c.pending > 0) {
              c.commit();
            }
            return null;
          });
    }
  }

  @Override
  public List<String> search(RunQuery q) {
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < q.experimentIds().size(); i++) {
      in.append(i == 0 ? "?" : ", ?");
    }
    // The shape of MLflow's query: one join per metric / param clause on the latest_metrics and params
    // tables, a left outer join for the order_by metric, NULLs last, then start_time DESC, run_uuid.
    String sql =
        "SELECT r.run_uuid FROM runs r"
            + " JOIN latest_metrics m ON m.run_uuid = r.run_uuid AND m.key = ? AND m.value > ? AND m.is_nan = 0"
            + " JOIN params p ON p.run_uuid = r.run_uuid AND p.key = ? AND p.value LIKE ?"
            + " LEFT OUTER JOIN latest_metrics o ON o.run_uuid = r.run_uuid AND o.key = ?"
            + " WHERE r.experiment_id IN (" + in + ") AND r.lifecycle_stage = 'active'"
            + " ORDER BY o.value IS NULL, o.value " + (q.descending() ? "DESC" : "ASC")
            + ", r.start_time DESC, r.run_uuid ASC LIMIT ?";
    Conn c = local.get();
    try (PreparedStatement ps = c.connection.prepareStatement(sql)) {
      int i = 1;
      ps.setString(i++, q.metricKey());
      ps.setDouble(i++, q.metricAbove());
      ps.setString(i++, q.paramKey());
      ps.setString(i++, q.paramPrefix() + "%");
      ps.setString(i++, q.orderMetric());
      for (String e : q.experimentIds()) {
        ps.setLong(i++, Long.parseLong(e));
      }
      ps.setInt(i, q.limit());
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public List<Metric> metricHistory(String runId, String key) {
    Conn c = local.get();
    try (PreparedStatement ps =
        c.connection.prepareStatement(
            "SELECT timestamp, value, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY timestamp, step, value")) {
      ps.setString(1, runId);
      ps.setString(2, key);
      List<Metric> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          double v = rs.getBoolean(4) ? Double.NaN : rs.getDouble(2);
          out.add(new Metric(key, v, rs.getLong(1), rs.getLong(3)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void compact() {
    write(
        c -> {
          try (Statement st = c.connection.createStatement()) {
            c.commit();
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
          }
          return null;
        });
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      for (Conn c : all) {
        try {
          c.commit();
          c.connection.close();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }
      all.clear();
    } finally {
      writeLock.unlock();
    }
  }
}
