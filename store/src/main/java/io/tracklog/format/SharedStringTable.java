package io.tracklog.format;

import java.util.function.Function;

/**
 * A hash table of entries keyed by a string (run ids), with one writer and any number of readers that
 * each keep the {@link #view() view} they were handed: what {@link CatalogSnapshot}s share.
 *
 * <p>Open addressing with linear probing (load at most 3/4) over two arrays: the entries, and each
 * slot's key hash (0: empty), so that probing compares ints and dereferences an entry only when the
 * hashes match. The writer only fills empty slots (hash first, then entry) or replaces an entry by one
 * with the same key, and grows by rehashing into new arrays. So a view, which keeps the arrays it was
 * made with, finds every entry added before it was made; it may also find later ones, which its
 * owner filters (entries carry what it needs for that), and a slot whose entry it does not see yet
 * is one of those. Entries must be immutable (final fields), so one seen through a race is whole.
 *
 * <p>Cheaper to fill than a {@code ConcurrentHashMap}, whose resizing dominated replaying a large
 * catalog; not thread-safe for writers (the store guards its catalog).
 */
final class SharedStringTable<E> {
  private final Function<E, String> keyOf;
  private Object[] table = new Object[256];
  private int[] hashes = new int[256];
  private int size;

  SharedStringTable(Function<E, String> keyOf) {
    this.keyOf = keyOf;
  }

  /** The arrays as they are now, for lookups that must not see later growth. */
  static final class View<E> {
    private final Object[] table;
    private final int[] hashes;
    private final Function<E, String> keyOf;

    private View(Object[] table, int[] hashes, Function<E, String> keyOf) {
      this.table = table;
      this.hashes = hashes;
      this.keyOf = keyOf;
    }

    /** The entry with this key, if it was added before this view was made (later ones maybe). */
    E get(String key) {
      return find(table, hashes, keyOf, key);
    }
  }

  int size() {
    return size;
  }

  View<E> view() {
    return new View<>(table, hashes, keyOf);
  }

  E get(String key) {
    return find(table, hashes, keyOf, key);
  }

  /** Adds {@code entry}, or replaces the entry with its key. Returns the replaced one, or null. */
  E put(E entry) {
    return insert(entry, true);
  }

  /** Adds {@code entry} unless its key is present; returns the present entry, or null if added. */
  E putIfAbsent(E entry) {
    return insert(entry, false);
  }

  @SuppressWarnings("unchecked")
  private E insert(E entry, boolean replace) {
    String key = keyOf.apply(entry);
    int h = hash(key);
    int[] hs = hashes;
    Object[] t = table;
    int mask = hs.length - 1;
    for (int slot = h & mask; ; slot = (slot + 1) & mask) {
      int found = hs[slot];
      if (found == 0) {
        hs[slot] = h;
        t[slot] = entry;
        if (++size * 4 > hs.length * 3) {
          grow();
        }
        return null;
      }
      if (found == h) {
        E o = (E) t[slot];
        if (keyOf.apply(o).equals(key)) {
          if (replace) {
            t[slot] = entry;
          }
          return o;
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <E> E find(Object[] t, int[] hs, Function<E, String> keyOf, String key) {
    int h = hash(key);
    int mask = hs.length - 1;
    for (int slot = h & mask; ; slot = (slot + 1) & mask) {
      int found = hs[slot];
      if (found == 0) {
        return null;
      }
      if (found == h) {
        E o = (E) t[slot];
        if (o != null && keyOf.apply(o).equals(key)) { // null: added after this view, not visible yet
          return o;
        }
      }
    }
  }

  private void grow() {
    Object[] old = table;
    int[] oldHashes = hashes;
    Object[] t = new Object[old.length * 2];
    int[] hs = new int[t.length];
    int mask = t.length - 1;
    for (int i = 0; i < old.length; i++) {
      int h = oldHashes[i];
      if (h != 0) {
        int slot = h & mask;
        while (hs[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        hs[slot] = h;
        t[slot] = old[i];
      }
    }
    table = t; // views of the old arrays keep them whole
    hashes = hs;
  }

  /**
   * A hash of the key's chars in four independent lanes: {@code String.hashCode} is one serial chain
   * of multiply-adds (on Java 17), a third of the cost of registering a run when replaying a catalog.
   * Never 0, which marks an empty slot.
   */
  static int hash(String key) {
    int n = key.length();
    int h0 = n;
    int h1 = 0;
    int h2 = 0;
    int h3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      h0 = 31 * h0 + key.charAt(i);
      h1 = 31 * h1 + key.charAt(i + 1);
      h2 = 31 * h2 + key.charAt(i + 2);
      h3 = 31 * h3 + key.charAt(i + 3);
    }
    for (; i < n; i++) {
      h0 = 31 * h0 + key.charAt(i);
    }
    int h = (h0 * 0x9E3779B9) ^ (h1 * 0x85EBCA6B) ^ (h2 * 0xC2B2AE35) ^ (h3 * 0x27D4EB2F);
    h ^= h >>> 15;
    return h == 0 ? 1 : h;
  }
}
