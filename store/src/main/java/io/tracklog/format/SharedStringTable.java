package io.tracklog.format;

import java.util.function.Function;

/**
 * A hash table of entries keyed by a string (run ids), with one writer and any number of readers that
 * each keep the {@link #table() array} they were handed: what {@link CatalogSnapshot}s share.
 *
 * <p>Open addressing with linear probing over an array of immutable entries. The writer only fills
 * empty slots or replaces an entry by one with the same key, and grows by rehashing into a new
 * array, so a reader probing an array it got before sees every entry that was in it then (and maybe
 * some later ones, which it must filter itself: entries carry what it needs for that). Entries must
 * be immutable (final fields), so one seen through a race is whole. Cheaper to fill than a {@code
 * ConcurrentHashMap}, whose resizing dominated replaying a large catalog.
 */
final class SharedStringTable<E> {
  private final Function<E, String> keyOf;
  private Object[] table = new Object[64];
  private int size;

  SharedStringTable(Function<E, String> keyOf) {
    this.keyOf = keyOf;
  }

  int size() {
    return size;
  }

  /** The current array, for {@link #get(Object[], Function, String)}. */
  Object[] table() {
    return table;
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
    Object[] t = table;
    int mask = t.length - 1;
    for (int slot = slot(key, mask); ; slot = (slot + 1) & mask) {
      Object o = t[slot];
      if (o == null) {
        t[slot] = entry;
        if (++size * 2 > t.length) {
          grow();
        }
        return null;
      }
      if (keyOf.apply((E) o).equals(key)) {
        if (replace) {
          t[slot] = entry;
        }
        return (E) o;
      }
    }
  }

  E get(String key) {
    return get(table, keyOf, key);
  }

  /** Looks {@code key} up in an array this table handed out. */
  @SuppressWarnings("unchecked")
  static <E> E get(Object[] t, Function<E, String> keyOf, String key) {
    int mask = t.length - 1;
    for (int slot = slot(key, mask); ; slot = (slot + 1) & mask) {
      Object o = t[slot];
      if (o == null) {
        return null;
      }
      if (keyOf.apply((E) o).equals(key)) {
        return (E) o;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void grow() {
    Object[] old = table;
    Object[] t = new Object[old.length * 2];
    int mask = t.length - 1;
    for (Object o : old) {
      if (o != null) {
        int slot = slot(keyOf.apply((E) o), mask);
        while (t[slot] != null) {
          slot = (slot + 1) & mask;
        }
        t[slot] = o;
      }
    }
    table = t; // readers of the old array keep it whole
  }

  private static int slot(String key, int mask) {
    int h = key.hashCode() * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }
}
