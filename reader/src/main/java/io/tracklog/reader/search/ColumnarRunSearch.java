package io.tracklog.reader.search;

import io.tracklog.Run;
import io.tracklog.compact.Manifest;
import io.tracklog.error.CorruptFileException;
import io.tracklog.reader.PageToken;
import io.tracklog.reader.RunColumns;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.ViewType;
import io.tracklog.reader.search.Clause.Entity;
import io.tracklog.reader.search.Clause.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * search_runs evaluated on columns (issue #4): for each compacted segment of the
 * requested experiments, skip it if its manifest {@code metric_stats} show a metric clause cannot
 * match; otherwise take its {@link RunColumns} (built once per reader), compute one bitset per
 * clause over the columns and AND them, with the view type's lifecycle mask and with the rows of
 * runs whose state is newer in a log tail cleared. Those live runs, the runs no segment holds, and
 * the runs of a segment whose files fail their checks go through {@link RunFilter#matches} (the
 * reference evaluation) and join the hits. Only the first {@code offset + max_results} hits in
 * MLflow's order are selected (a bounded heap), and only the page's runs are materialised.
 *
 * <p>The answer is exactly {@link RunSearch}'s reference answer: {@code RunSearchEquivalenceTest}
 * checks it over random stores, filters and orderings. Stateless and thread-safe.
 */
public final class ColumnarRunSearch {
  private ColumnarRunSearch() {}

  /** A checked request. */
  private record Parsed(RunFilter filter, List<OrderBy> order, long offset, int maxResults, ViewType view) {}

  private static Parsed check(SearchRequest req) {
    Objects.requireNonNull(req, "req");
    RunSearch.checkMaxResults(req.maxResults());
    RunFilter filter = RunFilter.parse(req.filter());
    List<OrderBy> order = OrderBy.parseForRuns(req.orderBy());
    long offset = PageToken.decode(req.pageToken());
    return new Parsed(filter, order, offset, req.maxResults(), req.viewType());
  }

  /** search_runs over a snapshot: columns for compacted runs, the reference evaluation for the rest. */
  static RunPage search(Snapshot snapshot, SearchRequest req) {
    Objects.requireNonNull(snapshot, "snapshot");
    Parsed p = check(req);
    Hits hits = new Hits(p.order());
    Map<String, List<String>> liveBySegmentFile = new HashMap<>();
    for (String runId : snapshot.liveRunIds()) {
      Manifest.Segment seg = snapshot.segmentOf(runId);
      if (seg != null) {
        liveBySegmentFile.computeIfAbsent(seg.runsFile().path(), k -> new ArrayList<>()).add(runId);
      }
    }
    List<Run> others = new ArrayList<>();
    for (String experimentId : new LinkedHashSet<>(req.experimentIds())) {
      Objects.requireNonNull(experimentId, "experimentId");
      List<String> naive = new ArrayList<>(snapshot.runIdsOutsideSegments(experimentId));
      for (Manifest.Segment seg : snapshot.segments(experimentId)) {
        List<String> live = liveBySegmentFile.getOrDefault(seg.runsFile().path(), List.of());
        naive.addAll(live);
        if (!mayMatch(seg.metricStats(), p.filter())) {
          continue;
        }
        RunColumns cols;
        long[] bits;
        SegmentSource source;
        try {
          seg.runs().load(); // a segment whose runs cannot be read is answered from the logs
          cols = snapshot.columns(seg);
          // a search file's columns load here, on first use: a damaged one fails now, before any hit is kept
          bits = matches(cols, p.filter(), p.view());
          source = isEmpty(bits) ? null : new SegmentSource(cols, p.order());
          clearRows(cols, bits, live);
          if (snapshot.mayHoldPurged()) { // rows of runs tracklog gc purged since the compaction
            clearRows(cols, bits, snapshot.purgedRunIds());
          }
        } catch (CorruptFileException e) {
          for (String runId : snapshot.runIdsOf(seg, e)) {
            if (!live.contains(runId)) {
              naive.add(runId); // answered from the log by getRun
            }
          }
          continue;
        }
        if (source != null) {
          hits.addSegment(source, bits);
        }
      }
      for (String runId : new LinkedHashSet<>(naive)) { // segments whose runs fail may list a run twice
        Run run = snapshot.getRun(runId);
        if (p.view().includes(run.info().lifecycleStage()) && p.filter().matches(run)) {
          others.add(run);
        }
      }
    }
    hits.addRuns(others);
    return hits.page(p.offset(), p.maxResults());
  }

  /**
   * search_runs over columns alone: the runs of {@code segments} whose experiment is one of the
   * request's, as if they were a snapshot's only runs. For benchmarks of the engine and tests; a
   * store is searched with {@link RunSearch#search}.
   *
   * @throws InvalidFilterException if the filter or an order_by element is invalid
   * @throws io.tracklog.error.InvalidParameterException if max_results or the page token is invalid
   */
  public static RunPage search(List<RunColumns> segments, SearchRequest req) {
    Parsed p = check(req);
    Set<String> experiments = new LinkedHashSet<>(req.experimentIds());
    Hits hits = new Hits(p.order());
    for (RunColumns cols : segments) {
      if (experiments.contains(cols.experimentId()) && mayMatch(cols.metricStats(), p.filter())) {
        long[] bits = matches(cols, p.filter(), p.view());
        if (!isEmpty(bits)) {
          hits.addSegment(new SegmentSource(cols, p.order()), bits);
        }
      }
    }
    return hits.page(p.offset(), p.maxResults());
  }

  /** Clears the rows of {@code runIds} that {@code cols} has. */
  private static void clearRows(RunColumns cols, long[] bits, java.util.Collection<String> runIds) {
    for (String runId : runIds) {
      int row = cols.rowOf(runId);
      if (row >= 0) {
        bits[row >>> 6] &= ~(1L << row);
      }
    }
  }

  // ---- pruning ---------------------------------------------------------------------------------

  /** False if the segment's latest-value ranges show that some metric clause matches no run. */
  static boolean mayMatch(Map<String, Manifest.KeyStats> stats, RunFilter filter) {
    if (stats.isEmpty()) {
      return true; // no ranges recorded: nothing is known
    }
    for (Clause c : filter.clauses()) {
      if (c.entity() == Entity.METRIC && !mayMatch(stats.get(c.key()), c.op(), ((Clause.Number) c.value()).value())) {
        return false;
      }
    }
    return true;
  }

  private static boolean mayMatch(Manifest.KeyStats s, Op op, double v) {
    if (s == null || s.runs() == 0) {
      return false; // no run of the segment has the key: missing fails every comparison
    }
    if (s.min() == null || s.max() == null) {
      return op == Op.NE; // every latest value is NaN, and NaN is only unequal
    }
    double min = s.min();
    double max = s.max();
    return switch (op) {
      case EQ -> min <= v && v <= max;
      case NE -> true; // a NaN value, which the ranges do not count, is unequal to everything
      case GT -> max > v;
      case GE -> max >= v;
      case LT -> min < v;
      case LE -> min <= v;
      default -> true;
    };
  }

  // ---- filtering -------------------------------------------------------------------------------

  /** The rows of {@code cols} in the view that satisfy every clause, as a bitset. */
  static long[] matches(RunColumns cols, RunFilter filter, ViewType view) {
    int n = cols.rows();
    long[] bits = new long[(n + 63) >>> 6];
    for (int row = 0; row < n; row++) {
      boolean deleted = cols.isDeleted(row);
      if (view == ViewType.ALL || (view == ViewType.DELETED_ONLY) == deleted) {
        bits[row >>> 6] |= 1L << row;
      }
    }
    for (Clause c : filter.clauses()) {
      if (isEmpty(bits)) {
        break;
      }
      long[] clause = clauseBits(cols, c);
      for (int i = 0; i < bits.length; i++) {
        bits[i] &= clause[i];
      }
    }
    return bits;
  }

  private static boolean isEmpty(long[] bits) {
    for (long w : bits) {
      if (w != 0) {
        return false;
      }
    }
    return true;
  }

  /** One clause over all rows: set where it holds (a missing value never holds). */
  static long[] clauseBits(RunColumns cols, Clause c) {
    int n = cols.rows();
    long[] bits = new long[(n + 63) >>> 6];
    switch (c.entity()) {
      case METRIC -> {
        RunColumns.MetricColumn m = cols.metric(c.key());
        if (m != null) {
          metricBits(m, c.op(), ((Clause.Number) c.value()).value(), bits);
        }
      }
      case PARAM -> stringBits(cols.param(c.key()), c, bits);
      case TAG -> stringBits(cols.tag(c.key()), c, bits);
      case ATTRIBUTE -> {
        if (RunFilter.NUMERIC_ATTRIBUTES.contains(c.key())) {
          double v = ((Clause.Number) c.value()).value();
          boolean start = c.key().equals("start_time");
          for (int row = 0; row < n; row++) {
            if (start) {
              if (Compare.compareFast(cols.startTime(row), c.op(), v)) {
                bits[row >>> 6] |= 1L << row;
              }
            } else if (cols.hasEndTime(row) && Compare.compareFast(cols.endTime(row), c.op(), v)) {
              bits[row >>> 6] |= 1L << row;
            }
          }
        } else {
          stringBits(cols.attribute(c.key()), c, bits);
        }
      }
      case DATASET -> {
        for (int row = 0; row < n; row++) {
          if (RunFilter.matchesInputs(cols.inputs(row), c)) {
            bits[row >>> 6] |= 1L << row;
          }
        }
      }
      default -> throw new IllegalStateException("Unknown entity " + c.entity());
    }
    return bits;
  }

  private static void metricBits(RunColumns.MetricColumn m, Op op, double v, long[] bits) {
    if (m.isDense()) {
      denseMetricBits(m, op, v, bits);
      return;
    }
    int entries = m.entries();
    // one loop per comparator, so the comparison is not re-dispatched per row
    switch (op) {
      case EQ -> {
        for (int i = 0; i < entries; i++) {
          if (m.entryValue(i) == v && m.entryPresent(i)) {
            set(bits, m.entryRow(i));
          }
        }
      }
      case NE -> {
        for (int i = 0; i < entries; i++) {
          if (m.entryValue(i) != v && m.entryPresent(i)) {
            set(bits, m.entryRow(i));
          }
        }
      }
      case GT -> {
        for (int i = 0; i < entries; i++) {
          if (m.entryValue(i) > v && m.entryPresent(i)) {
            set(bits, m.entryRow(i));
          }
        }
      }
      case GE -> {
        for (int i = 0; i < entries; i++) {
          if (m.entryValue(i) >= v && m.entryPresent(i)) {
            set(bits, m.entryRow(i));
          }
        }
      }
      case LT -> {
        for (int i = 0; i < entries; i++) {
          if (m.entryValue(i) < v && m.entryPresent(i)) {
            set(bits, m.entryRow(i));
          }
        }
      }
      case LE -> {
        for (int i = 0; i < entries; i++) {
          if (m.entryValue(i) <= v && m.entryPresent(i)) {
            set(bits, m.entryRow(i));
          }
        }
      }
      default -> throw new IllegalStateException("Not a numeric comparator: " + op);
    }
  }

  /**
   * A dense column 64 rows at a time: each comparison sets its row's bit without a branch (about
   * half the rows of a range clause match, which a branch would mispredict), then the presence word
   * clears the rows without a value. Same answers as the per-entry loops, NaN included.
   */
  private static void denseMetricBits(RunColumns.MetricColumn m, Op op, double v, long[] bits) {
    int n = m.entries();
    for (int base = 0; base < n; base += 64) {
      int end = Math.min(base + 64, n);
      long word = 0;
      switch (op) {
        case EQ -> {
          for (int i = base; i < end; i++) {
            word |= (m.entryValue(i) == v ? 1L : 0L) << i;
          }
        }
        case NE -> {
          for (int i = base; i < end; i++) {
            word |= (m.entryValue(i) != v ? 1L : 0L) << i;
          }
        }
        case GT -> {
          for (int i = base; i < end; i++) {
            word |= (m.entryValue(i) > v ? 1L : 0L) << i;
          }
        }
        case GE -> {
          for (int i = base; i < end; i++) {
            word |= (m.entryValue(i) >= v ? 1L : 0L) << i;
          }
        }
        case LT -> {
          for (int i = base; i < end; i++) {
            word |= (m.entryValue(i) < v ? 1L : 0L) << i;
          }
        }
        case LE -> {
          for (int i = base; i < end; i++) {
            word |= (m.entryValue(i) <= v ? 1L : 0L) << i;
          }
        }
        default -> throw new IllegalStateException("Not a numeric comparator: " + op);
      }
      bits[base >>> 6] |= word & m.presentWord(base >>> 6);
    }
  }

  /** A string clause: evaluated once per distinct value (the dictionary), then per row by id. */
  private static void stringBits(RunColumns.StringColumn col, Clause c, long[] bits) {
    if (col == null) {
      return;
    }
    String[] dict = col.dictionary();
    boolean[] match = new boolean[dict.length];
    boolean any = false;
    Predicate<String> test = Compare.matcher(c.op(), c.value());
    for (int i = 0; i < dict.length; i++) {
      match[i] = test.test(dict[i]);
      any |= match[i];
    }
    if (!any) {
      return;
    }
    int entries = col.entries();
    for (int i = 0; i < entries; i++) {
      int id = col.entryId(i);
      if (id >= 0 && match[id]) {
        set(bits, col.entryRow(i));
      }
    }
  }

  private static void set(long[] bits, int row) {
    bits[row >>> 6] |= 1L << row;
  }

  // ---- ordering and the page ------------------------------------------------------------------

  /** How one order_by key's values compare. */
  private enum Kind {
    NUMBER,
    INTEGER,
    STRING
  }

  private static Kind kind(OrderBy key) {
    return switch (key.entity()) {
      case METRIC -> Kind.NUMBER;
      case ATTRIBUTE -> RunFilter.NUMERIC_ATTRIBUTES.contains(key.key()) ? Kind.INTEGER : Kind.STRING;
      default -> Kind.STRING;
    };
  }

  /** One source of hits (a segment's columns, or a list of runs) seen through the order_by keys. */
  private abstract static class Source {
    /** 0 for a value, 1 for NaN, 2 for missing. */
    abstract int rank(int key, int row);

    abstract double number(int key, int row);

    abstract long integer(int key, int row);

    abstract String string(int key, int row);

    abstract long startTime(int row);

    abstract String runId(int row);

    abstract Run run(int row);
  }

  private static final class SegmentSource extends Source {
    final RunColumns cols;
    final RunColumns.MetricColumn[] metrics;
    final RunColumns.StringColumn[] strings;
    final boolean[] endTime;
    /** Keys no row of the segment has (a metric, param or tag with no column here). */
    final boolean[] absent;

    SegmentSource(RunColumns cols, List<OrderBy> order) {
      this.cols = cols;
      int k = order.size();
      metrics = new RunColumns.MetricColumn[k];
      strings = new RunColumns.StringColumn[k];
      endTime = new boolean[k];
      absent = new boolean[k];
      for (int i = 0; i < k; i++) {
        OrderBy o = order.get(i);
        switch (o.entity()) {
          case METRIC -> metrics[i] = cols.metric(o.key());
          case PARAM -> strings[i] = cols.param(o.key());
          case TAG -> strings[i] = cols.tag(o.key());
          case ATTRIBUTE -> {
            if (RunFilter.NUMERIC_ATTRIBUTES.contains(o.key())) {
              endTime[i] = o.key().equals("end_time");
            } else {
              strings[i] = cols.attribute(o.key());
            }
          }
          default -> throw new IllegalArgumentException("Invalid order_by entity type '" + o.entity() + "'");
        }
        absent[i] = o.entity() != Entity.ATTRIBUTE && metrics[i] == null && strings[i] == null;
      }
    }

    @Override
    int rank(int key, int row) {
      if (absent[key]) {
        return 2;
      }
      RunColumns.MetricColumn m = metrics[key];
      if (m != null) {
        int i = m.index(row);
        return i < 0 ? 2 : Double.isNaN(m.value(i)) ? 1 : 0;
      }
      RunColumns.StringColumn s = strings[key];
      if (s != null) {
        return s.id(row) < 0 ? 2 : 0;
      }
      if (endTime[key]) {
        return cols.hasEndTime(row) ? 0 : 2;
      }
      return 0; // start_time: every run has it
    }

    @Override
    double number(int key, int row) {
      return metrics[key].value(metrics[key].index(row));
    }

    @Override
    long integer(int key, int row) {
      return endTime[key] ? cols.endTime(row) : cols.startTime(row);
    }

    @Override
    String string(int key, int row) {
      return strings[key].value(row);
    }

    @Override
    long startTime(int row) {
      return cols.startTime(row);
    }

    @Override
    String runId(int row) {
      return cols.runId(row);
    }

    @Override
    Run run(int row) {
      return cols.run(row);
    }
  }

  private static final class RunsSource extends Source {
    final List<Run> runs;
    final Object[][] values;

    RunsSource(List<Run> runs, List<OrderBy> order) {
      this.runs = runs;
      this.values = new Object[order.size()][runs.size()];
      for (int k = 0; k < order.size(); k++) {
        for (int r = 0; r < runs.size(); r++) {
          values[k][r] = RunSearch.sortValue(runs.get(r), order.get(k));
        }
      }
    }

    @Override
    int rank(int key, int row) {
      Object v = values[key][row];
      return v == null ? 2 : v instanceof Double d && d.isNaN() ? 1 : 0;
    }

    @Override
    double number(int key, int row) {
      return (Double) values[key][row];
    }

    @Override
    long integer(int key, int row) {
      return (Long) values[key][row];
    }

    @Override
    String string(int key, int row) {
      return (String) values[key][row];
    }

    @Override
    long startTime(int row) {
      return runs.get(row).info().startTime();
    }

    @Override
    String runId(int row) {
      return runs.get(row).runId();
    }

    @Override
    Run run(int row) {
      return runs.get(row);
    }
  }

  /** The hits so far, as (source, row) references packed in longs, and the page selection. */
  private static final class Hits {
    final List<OrderBy> order;
    final Kind[] kinds;
    final boolean[] ascending;
    final List<Source> sources = new ArrayList<>();
    long[] refs = new long[256];
    int size;

    Hits(List<OrderBy> order) {
      this.order = order;
      kinds = new Kind[order.size()];
      ascending = new boolean[order.size()];
      for (int i = 0; i < kinds.length; i++) {
        kinds[i] = kind(order.get(i));
        ascending[i] = order.get(i).ascending();
      }
    }

    void addSegment(SegmentSource source, long[] bits) {
      boolean added = false;
      int id = sources.size();
      for (int w = 0; w < bits.length; w++) {
        long word = bits[w];
        while (word != 0) {
          if (!added) {
            sources.add(source);
            added = true;
          }
          int row = (w << 6) + Long.numberOfTrailingZeros(word);
          word &= word - 1;
          add(((long) id << 32) | row);
        }
      }
    }

    void addRuns(List<Run> runs) {
      if (runs.isEmpty()) {
        return;
      }
      int id = sources.size();
      sources.add(new RunsSource(runs, order));
      for (int r = 0; r < runs.size(); r++) {
        add(((long) id << 32) | r);
      }
    }

    private void add(long ref) {
      if (size == refs.length) {
        refs = Arrays.copyOf(refs, size * 2);
      }
      refs[size++] = ref;
    }

    int compare(long a, long b) {
      Source sa = sources.get((int) (a >>> 32));
      Source sb = sources.get((int) (b >>> 32));
      int ra = (int) a;
      int rb = (int) b;
      for (int k = 0; k < kinds.length; k++) {
        int x = sa.rank(k, ra);
        int y = sb.rank(k, rb);
        if (x != y) {
          return Integer.compare(x, y); // missing last, NaN before it, in both directions
        }
        if (x != 0) {
          continue;
        }
        int c =
            switch (kinds[k]) {
              case NUMBER -> Compare.compareNumbers(sa.number(k, ra), sb.number(k, rb));
              case INTEGER -> Long.compare(sa.integer(k, ra), sb.integer(k, rb));
              case STRING -> Compare.compareCodePoints(sa.string(k, ra), sb.string(k, rb));
            };
        if (c != 0) {
          return ascending[k] ? c : -c;
        }
      }
      int c = Long.compare(sb.startTime(rb), sa.startTime(ra));
      return c != 0 ? c : Compare.compareCodePoints(sa.runId(ra), sb.runId(rb));
    }

    /** The page [offset, offset + max) in order, and its token. */
    RunPage page(long offset, int maxResults) {
      int from = (int) Math.min(offset, size);
      int to = (int) Math.min((long) from + maxResults, size);
      long[] top = smallest(to);
      List<Run> runs = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        long ref = top[i];
        runs.add(sources.get((int) (ref >>> 32)).run((int) ref));
      }
      return new RunPage(runs, to < size ? PageToken.encode(to) : null, size);
    }

    /** The {@code k} first references in order, sorted: a bounded max-heap, then a sort of it. */
    private long[] smallest(int k) {
      if (k == 0) {
        return new long[0];
      }
      Comparator<Long> cmp = this::compare;
      if (k >= size / 2) {
        Long[] all = new Long[size];
        for (int i = 0; i < size; i++) {
          all[i] = refs[i];
        }
        Arrays.sort(all, cmp);
        long[] out = new long[k];
        for (int i = 0; i < k; i++) {
          out[i] = all[i];
        }
        return out;
      }
      long[] heap = new long[k];
      int n = 0;
      for (int i = 0; i < size; i++) {
        long ref = refs[i];
        if (n < k) {
          heap[n] = ref;
          siftUp(heap, n++);
        } else if (compare(ref, heap[0]) < 0) {
          heap[0] = ref;
          siftDown(heap, n);
        }
      }
      Long[] sorted = new Long[n];
      for (int i = 0; i < n; i++) {
        sorted[i] = heap[i];
      }
      Arrays.sort(sorted, cmp);
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        out[i] = sorted[i];
      }
      return out;
    }

    private void siftUp(long[] heap, int i) {
      long x = heap[i];
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (compare(x, heap[parent]) <= 0) {
          break;
        }
        heap[i] = heap[parent];
        i = parent;
      }
      heap[i] = x;
    }

    private void siftDown(long[] heap, int n) {
      long x = heap[0];
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= n) {
          break;
        }
        if (child + 1 < n && compare(heap[child + 1], heap[child]) > 0) {
          child++;
        }
        if (compare(heap[child], x) <= 0) {
          break;
        }
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = x;
    }
  }
}
