package io.tracklog.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A generator of test inputs for a {@link Property}: a function of the try's {@link Choices}.
 * Built from the combinators here, a generator shrinks by itself: smaller choices give simpler
 * values (the first option, the lower bound, a shorter list), so a failing input reduces to a
 * minimal one without a shrinker per type.
 *
 * <pre>{@code
 * Gen<Metric> metric =
 *     c -> new Metric(Gen.oneOf("a", "b").next(c), Gen.oneOf(0.0, Double.NaN).next(c), 0L, Gen.between(-2, 2).next(c));
 * }</pre>
 */
@FunctionalInterface
public interface Gen<T> {
  /** The next value, made from {@code choices}. */
  T next(Choices choices);

  default <R> Gen<R> map(Function<? super T, ? extends R> f) {
    return c -> f.apply(next(c));
  }

  default <R> Gen<R> flatMap(Function<? super T, Gen<R>> f) {
    return c -> f.apply(next(c)).next(c);
  }

  /**
   * Values that satisfy {@code p}; a try that draws 100 values in a row without one is rejected
   * (neither passes nor fails). Prefer generators that need no filter: they shrink better.
   */
  default Gen<T> filter(Predicate<? super T> p) {
    return c -> {
      for (int i = 0; i < 100; i++) {
        T v = next(c);
        if (p.test(v)) {
          return v;
        }
      }
      throw new Property.Rejected("filter kept rejecting");
    };
  }

  /** This generator's value, or null with probability {@code p} (null is the simpler value). */
  default Gen<T> orNull(double p) {
    return c -> c.weighted(1 - p) ? next(c) : null;
  }

  /** A list of {@code min..max} values, {@code average} of them on average when fresh. */
  default Gen<List<T>> list(int min, int max, double average) {
    return list(this, min, max, average);
  }

  /** A list of {@code 0..max} values, a few on average. */
  default Gen<List<T>> list(int max) {
    return list(this, 0, max, Math.min(max, 3));
  }

  // ---- factories -------------------------------------------------------------------------------

  static <T> Gen<T> constant(T value) {
    return c -> value;
  }

  /** A long in {@code [lo, hi]}, uniform when fresh; shrinks toward {@code lo}. */
  static Gen<Long> between(long lo, long hi) {
    if (hi < lo) {
      throw new IllegalArgumentException("Invalid range: " + lo + ".." + hi);
    }
    return c -> {
      long span = hi - lo; // wider than Long.MAX_VALUE: negative, read as unsigned below
      if (span >= 0) {
        return lo + c.below(span);
      }
      long offset = c.below(Long.MAX_VALUE) + (c.weighted(0.5) ? Long.MIN_VALUE : 0); // wraps: unsigned
      return Long.compareUnsigned(offset, span) > 0 ? hi : lo + offset;
    };
  }

  /** An int in {@code [lo, hi]}; shrinks toward {@code lo}. */
  static Gen<Integer> ints(int lo, int hi) {
    return between(lo, hi).map(Long::intValue);
  }

  /** Any long: magnitude and sign chosen separately, so it shrinks toward 0. */
  static Gen<Long> longs() {
    return c -> {
      long magnitude = c.below(Long.MAX_VALUE);
      return c.weighted(0.5) ? -magnitude - (c.weighted(0.01) ? 1 : 0) : magnitude;
    };
  }

  static Gen<Boolean> booleans() {
    return c -> c.weighted(0.5);
  }

  /** One of {@code values}, uniform when fresh; shrinks toward the first. */
  @SafeVarargs
  static <T> Gen<T> oneOf(T... values) {
    return oneOf(Arrays.asList(values));
  }

  static <T> Gen<T> oneOf(List<T> values) {
    List<T> copy = new ArrayList<>(values);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("Nothing to choose from");
    }
    return c -> copy.get(c.index(copy.size()));
  }

  /** A value of one of {@code gens}, uniform when fresh; shrinks toward the first generator. */
  @SafeVarargs
  static <T> Gen<T> choose(Gen<? extends T>... gens) {
    List<Gen<? extends T>> copy = List.of(gens);
    return c -> copy.get(c.index(copy.size())).next(c);
  }

  /** A weighted alternative for {@link #frequency}. */
  static <T> Weighted<T> weight(int weight, Gen<? extends T> gen) {
    return new Weighted<>(weight, gen);
  }

  /** A value of one of the generators, chosen by weight; shrinks toward the first. */
  @SafeVarargs
  static <T> Gen<T> frequency(Weighted<? extends T>... options) {
    List<Weighted<? extends T>> copy = List.of(options);
    long total = copy.stream().mapToLong(Weighted::weight).sum();
    return c -> {
      long pick = c.below(total - 1);
      for (Weighted<? extends T> w : copy) {
        if (pick < w.weight()) {
          return w.gen().next(c);
        }
        pick -= w.weight();
      }
      throw new AssertionError("unreachable");
    };
  }

  /**
   * A list of {@code min..max} values, about {@code average} when fresh. Each element past {@code
   * min} is preceded by a "one more" choice, so the shrinker removes an element by deleting the
   * choices it was made of.
   */
  static <T> Gen<List<T>> list(Gen<T> element, int min, int max, double average) {
    if (min < 0 || max < min) {
      throw new IllegalArgumentException("Invalid size range: " + min + ".." + max);
    }
    double more = average <= min ? 0 : 1 - 1 / (1 + average - min);
    return c -> {
      List<T> out = new ArrayList<>();
      while (out.size() < max && (out.size() < min || c.weighted(more))) {
        out.add(element.next(c));
      }
      return out;
    };
  }

  /** A string of {@code chars} values (code points or longer pieces), {@code 0..max} of them. */
  static Gen<String> strings(Gen<String> pieces, int max, double average) {
    return list(pieces, 0, max, average).map(l -> String.join("", l));
  }

  /** {@code items} in an order chosen by a Fisher-Yates shuffle; shrinks toward one fixed order. */
  static <T> Gen<List<T>> shuffled(List<T> items) {
    List<T> copy = List.copyOf(items);
    return c -> {
      List<T> out = new ArrayList<>(copy);
      for (int i = out.size() - 1; i > 0; i--) {
        java.util.Collections.swap(out, i, c.index(i + 1));
      }
      return out;
    };
  }

  /** Defers building a generator: for recursive ones. */
  static <T> Gen<T> lazy(Supplier<Gen<T>> gen) {
    return c -> gen.get().next(c);
  }

  /** A generator and its weight. */
  record Weighted<T>(int weight, Gen<? extends T> gen) {
    public Weighted {
      if (weight <= 0) {
        throw new IllegalArgumentException("Invalid weight: " + weight);
      }
    }
  }
}
