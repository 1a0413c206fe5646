package io.tracklog.format;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A list that only grows, whose {@link #view() views} are immutable and share its array: the
 * catalog's runs are only ever added, so a snapshot need not copy them.
 *
 * <p>One writer at a time (the store guards it). A view holds the array and the size it had when it
 * was taken; later appends write past that size, or into a new array when the list grows, so they
 * are never visible through an earlier view. Both fields of a view are final, so a view handed to
 * another thread sees every element it covers.
 */
final class AppendOnlyList<T> {
  private final List<T> base; // immutable, shared: elements [0, baseSize) (a restored checkpoint's)
  private final int baseSize;
  private Object[] items; // elements [baseSize, size)
  private int size;

  AppendOnlyList() {
    this(8);
  }

  AppendOnlyList(int capacity) {
    this(List.of(), capacity);
  }

  private AppendOnlyList(List<T> base, int capacity) {
    this.base = base;
    this.baseSize = base.size();
    this.items = new Object[Math.max(1, capacity)];
    this.size = baseSize;
  }

  /**
   * A list whose first elements are those of {@code base}, which must be immutable and random
   * access: it is shared, never copied, by the list and its views (a restored checkpoint's runs).
   */
  static <T> AppendOnlyList<T> withBase(List<T> base, int capacity) {
    return new AppendOnlyList<>(base, capacity);
  }

  void add(T item) {
    Objects.requireNonNull(item, "item");
    int at = size - baseSize;
    if (at == items.length) {
      items = Arrays.copyOf(items, at + (at >> 1) + 1);
    }
    items[at] = item;
    size++;
  }

  int size() {
    return size;
  }

  @SuppressWarnings("unchecked")
  T get(int index) {
    Objects.checkIndex(index, size);
    return index < baseSize ? base.get(index) : (T) items[index - baseSize];
  }

  /** The first {@code size} elements, immutable: later appends do not show through it. */
  List<T> view() {
    return size == 0 ? List.of() : new View<>(base, baseSize, items, 0, size);
  }

  /** An immutable view of {@code [from, to)} of the list as it is now. */
  List<T> view(int from, int to) {
    Objects.checkFromToIndex(from, to, size);
    return from == to ? List.of() : new View<>(base, baseSize, items, from, to);
  }

  /** An immutable window over the shared base and array; the writer never changes the slots it covers. */
  static final class View<T> extends AbstractList<T> implements RandomAccess {
    private final List<T> base;
    private final int baseSize;
    private final Object[] items;
    private final int from;
    private final int to;

    View(List<T> base, int baseSize, Object[] items, int from, int to) {
      this.base = base;
      this.baseSize = baseSize;
      this.items = items;
      this.from = from;
      this.to = to;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get(int index) {
      Objects.checkIndex(index, to - from);
      int at = from + index;
      return at < baseSize ? base.get(at) : (T) items[at - baseSize];
    }

    @Override
    public int size() {
      return to - from;
    }

    @Override
    public List<T> subList(int fromIndex, int toIndex) {
      Objects.checkFromToIndex(fromIndex, toIndex, size());
      return new View<>(base, baseSize, items, from + fromIndex, from + toIndex);
    }
  }
}
