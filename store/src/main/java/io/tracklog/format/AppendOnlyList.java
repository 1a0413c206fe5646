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
  private Object[] items;
  private int size;

  AppendOnlyList() {
    this(8);
  }

  AppendOnlyList(int capacity) {
    items = new Object[Math.max(1, capacity)];
  }

  /**
   * A list of exactly the elements of {@code items}, without copying them. The array is full, so the
   * list's first append moves to a new array and the list never writes to this one: whoever else
   * holds it (another list adopting it too) keeps it unchanged. No element may be null.
   */
  static <T> AppendOnlyList<T> adopt(Object[] items) {
    AppendOnlyList<T> list = new AppendOnlyList<>(1);
    if (items.length > 0) {
      list.items = items;
      list.size = items.length;
    }
    return list;
  }

  void add(T item) {
    Objects.requireNonNull(item, "item");
    if (size == items.length) {
      items = Arrays.copyOf(items, size + (size >> 1) + 1);
    }
    items[size++] = item;
  }

  int size() {
    return size;
  }

  @SuppressWarnings("unchecked")
  T get(int index) {
    Objects.checkIndex(index, size);
    return (T) items[index];
  }

  /** The first {@code size} elements, immutable: later appends do not show through it. */
  List<T> view() {
    return size == 0 ? List.of() : new View<>(items, 0, size);
  }

  /** An immutable view of {@code [from, to)} of the list as it is now. */
  List<T> view(int from, int to) {
    Objects.checkFromToIndex(from, to, size);
    return from == to ? List.of() : new View<>(items, from, to);
  }

  /** An immutable window over a shared array; the writer never changes the slots it covers. */
  static final class View<T> extends AbstractList<T> implements RandomAccess {
    private final Object[] items;
    private final int from;
    private final int to;

    View(Object[] items, int from, int to) {
      this.items = items;
      this.from = from;
      this.to = to;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get(int index) {
      Objects.checkIndex(index, to - from);
      return (T) items[from + index];
    }

    @Override
    public int size() {
      return to - from;
    }

    @Override
    public List<T> subList(int fromIndex, int toIndex) {
      Objects.checkFromToIndex(fromIndex, toIndex, size());
      return new View<>(items, from + fromIndex, from + toIndex);
    }

    @Override
    public Object[] toArray() {
      return Arrays.copyOfRange(items, from, to);
    }
  }
}
