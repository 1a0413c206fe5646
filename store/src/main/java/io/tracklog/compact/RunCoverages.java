package io.tracklog.compact;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * A segment's runs and their coverage, as an immutable map ordered by run id. Two forms: runs in
 * memory ({@link Builder}, {@link #of}: manifests of format 1 and 2 embed them, and a compactor has
 * them for the segments it writes), and a segment's run index file (format 3, {@code
 * runs-index-<generation>.bin}), which is loaded on first use and searched in place, so opening a
 * manifest costs nothing per run.
 */
public abstract class RunCoverages extends AbstractMap<String, Manifest.RunCoverage> {
  RunCoverages() {}

  /** {@code runs} itself if it is one, else a copy in its iteration order. */
  public static RunCoverages of(Map<String, Manifest.RunCoverage> runs) {
    if (runs instanceof RunCoverages r) {
      return r;
    }
    Builder b = new Builder(runs.size());
    runs.forEach((id, cov) -> b.add(id, cov.seq(), cov.sealed()));
    return b.build();
  }

  /** Collects runs in order; {@link #build} checks that no id repeats. */
  public static final class Builder {
    private String[] ids;
    private long[] seqs;
    private boolean[] sealed;
    private int size;

    public Builder(int capacity) {
      int c = Math.max(4, capacity);
      ids = new String[c];
      seqs = new long[c];
      sealed = new boolean[c];
    }

    public Builder add(String runId, long seq, boolean isSealed) {
      Objects.requireNonNull(runId, "runId");
      if (size == ids.length) {
        int c = size * 2;
        ids = Arrays.copyOf(ids, c);
        seqs = Arrays.copyOf(seqs, c);
        sealed = Arrays.copyOf(sealed, c);
      }
      ids[size] = runId;
      seqs[size] = seq;
      sealed[size] = isSealed;
      size++;
      return this;
    }

    public int size() {
      return size;
    }

    /**
     * Marks the runs in {@code runIds} as not sealed.
     *
     * @throws IllegalArgumentException if one of them was not added
     */
    public Builder unseal(java.util.Collection<String> runIds) {
      if (runIds.isEmpty()) {
        return this;
      }
      Set<String> wanted = new java.util.HashSet<>(runIds);
      int found = 0;
      for (int i = 0; i < size; i++) {
        if (wanted.contains(ids[i])) {
          sealed[i] = false;
          found++;
        }
      }
      if (found != wanted.size()) {
        throw new IllegalArgumentException("an unsealed run is not among the segment's runs");
      }
      return this;
    }

    /**
     * The runs added, in order. Sorted ids are served by binary search; others get a hash index now.
     *
     * @throws IllegalArgumentException if a run id was added twice
     */
    public RunCoverages build() {
      if (size == 0) {
        return InMemory.EMPTY;
      }
      InMemory r =
          new InMemory(Arrays.copyOf(ids, size), Arrays.copyOf(seqs, size), Arrays.copyOf(sealed, size), size);
      if (!r.sorted) {
        r.buildIndex();
      }
      return r;
    }
  }

  /** The runs of the segment that were not sealed, in order. */
  public abstract List<String> unsealed();

  /** The i-th run id, in order. */
  public abstract String runId(int i);

  public abstract long seq(int i);

  public abstract boolean sealed(int i);

  @Override
  public abstract int size();

  /**
   * Whether the runs are in memory or loaded: always, except for a segment of a format-3 manifest
   * whose run index file nothing has asked for yet (its {@link #size} and {@link #unsealed} come
   * from the manifest and load nothing).
   */
  public boolean loaded() {
    return true;
  }

  /**
   * Loads the runs now if they are not in memory (format 3: the run index file), so that no later
   * call fails.
   *
   * @throws io.tracklog.error.CorruptFileException if they cannot be read
   */
  public void load() {}

  /** The position of {@code runId}, or -1. */
  abstract int indexOf(String runId);

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String s && indexOf(s) >= 0;
  }

  @Override
  public Manifest.RunCoverage get(Object key) {
    if (!(key instanceof String s)) {
      return null;
    }
    int i = indexOf(s);
    return i < 0 ? null : new Manifest.RunCoverage(seq(i), sealed(i));
  }

  @Override
  public Set<Entry<String, Manifest.RunCoverage>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Manifest.RunCoverage>> iterator() {
        return new Iterator<>() {
          private final int size = RunCoverages.this.size();
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Entry<String, Manifest.RunCoverage> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return Map.entry(runId(i), new Manifest.RunCoverage(seq(i), sealed(i)));
          }
        };
      }

      @Override
      public int size() {
        return RunCoverages.this.size();
      }
    };
  }

  @Override
  public Set<String> keySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<String> iterator() {
        return new Iterator<>() {
          private final int size = RunCoverages.this.size();
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public String next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            return runId(next++);
          }
        };
      }

      @Override
      public int size() {
        return RunCoverages.this.size();
      }

      @Override
      public boolean contains(Object o) {
        return containsKey(o);
      }
    };
  }

  /**
   * Runs in memory, as parallel arrays in the order given (the compactor writes runs sorted by id, as
   * in the runs file). No entry objects, and no hash table while the ids are sorted (binary search
   * serves lookups, until there are so many that a hash index pays).
   */
  private static final class InMemory extends RunCoverages {
    static final InMemory EMPTY = new InMemory(new String[0], new long[0], new boolean[0], 0);

    private final String[] ids;
    private final long[] seqs;
    private final boolean[] sealed;
    private final int size;
    private final boolean sorted;
    private final List<String> unsealed;
    private volatile int[] index; // open addressing, slot → position + 1: unsorted ids, or many lookups
    private int searches; // binary searches so far

    InMemory(String[] ids, long[] seqs, boolean[] sealed, int size) {
      this.ids = ids;
      this.seqs = seqs;
      this.sealed = sealed;
      this.size = size;
      boolean inOrder = true;
      List<String> open = new ArrayList<>(0);
      for (int i = 0; i < size; i++) {
        if (inOrder && i > 0 && ids[i - 1].compareTo(ids[i]) >= 0) {
          inOrder = false;
        }
        if (!sealed[i]) {
          open.add(ids[i]);
        }
      }
      this.sorted = inOrder;
      this.unsealed = List.copyOf(open);
    }

    /** Builds the hash index of unsorted ids; a repeated id is an error. */
    private int[] buildIndex() {
      int cap = Integer.highestOneBit(Math.max(2, size) * 2 - 1) << 1;
      int[] table = new int[cap];
      for (int i = 0; i < size; i++) {
        int slot = spread(ids[i].hashCode()) & (cap - 1);
        while (table[slot] != 0) {
          if (ids[table[slot] - 1].equals(ids[i])) {
            throw new IllegalArgumentException("run " + ids[i] + " is listed twice");
          }
          slot = (slot + 1) & (cap - 1);
        }
        table[slot] = i + 1;
      }
      index = table;
      return table;
    }

    @Override
    int indexOf(String runId) {
      // Sorted ids: binary search, until enough lookups (a compaction checks every run) make a hash
      // index pay for itself. The counter is racy on purpose: it only decides when to build.
      if (sorted && index == null && ++searches <= 16 + size / 16) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
          int mid = (lo + hi) >>> 1;
          int c = ids[mid].compareTo(runId);
          if (c < 0) {
            lo = mid + 1;
          } else if (c > 0) {
            hi = mid - 1;
          } else {
            return mid;
          }
        }
        return -1;
      }
      return find(runId);
    }

    private int find(String runId) {
      int[] table = index;
      if (table == null) {
        table = buildIndex();
      }
      int mask = table.length - 1;
      for (int slot = spread(runId.hashCode()) & mask; table[slot] != 0; slot = (slot + 1) & mask) {
        int i = table[slot] - 1;
        if (ids[i].equals(runId)) {
          return i;
        }
      }
      return -1;
    }

    private static int spread(int h) {
      return (h ^ (h >>> 16)) * 0x9E3779B9;
    }

    @Override
    public List<String> unsealed() {
      return unsealed;
    }

    @Override
    public String runId(int i) {
      Objects.checkIndex(i, size);
      return ids[i];
    }

    @Override
    public long seq(int i) {
      Objects.checkIndex(i, size);
      return seqs[i];
    }

    @Override
    public boolean sealed(int i) {
      Objects.checkIndex(i, size);
      return sealed[i];
    }

    @Override
    public int size() {
      return size;
    }
  }
}
