package io.tracklog.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The random choices one try of a {@link Property} makes, recorded in order so the try can be
 * replayed and shrunk (the choice-sequence shrinking of Hypothesis and minithesis). Every value a
 * generator produces is a function of these choices, and a smaller choice means a simpler value
 * (0 is the first option, the lower bound, "stop adding elements"), so the shrinker only ever
 * makes choices smaller or removes them.
 *
 * <p>A try either draws fresh choices from a random source, or replays a prefix (a candidate the
 * shrinker made) and draws 0 past its end. Not thread-safe: one try, one thread.
 */
public final class Choices {
  /** Past this many choices a try is abandoned as too large (see {@link Overrun}). */
  static final int MAX_CHOICES = 2_000_000;

  private final long[] prefix;
  private final SplittableRandom random;
  private long[] made = new long[64];
  private int size;
  private final List<String> notes = new ArrayList<>();
  private boolean recordNotes;

  private Choices(long[] prefix, SplittableRandom random) {
    this.prefix = prefix;
    this.random = random;
  }

  /** Fresh choices from a seed (also for example tests that want one fixed random input). */
  public static Choices random(long seed) {
    return new Choices(new long[0], new SplittableRandom(seed));
  }

  /** Replays {@code prefix}, then chooses 0 (the simplest option) for every further choice. */
  static Choices replay(long[] prefix) {
    return new Choices(prefix, null);
  }

  /** A value in {@code [0, n]}, uniform when fresh. */
  public long below(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("Invalid bound: " + n);
    }
    long v;
    if (size < prefix.length) {
      v = Math.min(prefix[size], n);
    } else if (random == null || n == 0) {
      v = 0;
    } else {
      v = n == Long.MAX_VALUE ? random.nextLong() & Long.MAX_VALUE : random.nextLong(n + 1);
    }
    return record(v);
  }

  /** An int in {@code [0, n)}: an index into {@code n} options, the first of them the simplest. */
  public int index(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("Invalid number of options: " + n);
    }
    return (int) below(n - 1);
  }

  /**
   * True with probability {@code p} when fresh; false is the simpler answer. {@code weighted(1.0)}
   * is a "go on" flag: always true when fresh, so a loop runs its full count, but a shrinker can
   * end the loop there.
   */
  public boolean weighted(double p) {
    long v;
    if (size < prefix.length) {
      v = Math.min(prefix[size], 1);
    } else if (random == null) {
      v = 0;
    } else {
      v = random.nextDouble() < p ? 1 : 0;
    }
    return record(v) == 1;
  }

  /** A value of {@code gen}, reported with the minimal case when a property fails. */
  public <T> T draw(Gen<T> gen) {
    T value = gen.next(this);
    note(String.valueOf(value));
    return value;
  }

  /**
   * Notes a line about this try (what a stateful property did, say); the notes of the minimal
   * failing try are printed with the failure.
   */
  public void note(String line) {
    if (recordNotes) {
      notes.add(line);
    }
  }

  private long record(long v) {
    if (size == MAX_CHOICES) {
      throw new Overrun();
    }
    if (size == made.length) {
      made = Arrays.copyOf(made, size * 2);
    }
    made[size++] = v;
    return v;
  }

  long[] made() {
    return Arrays.copyOf(made, size);
  }

  void recordNotes() {
    recordNotes = true;
  }

  List<String> notes() {
    return notes;
  }

  /** A try that made more than {@link #MAX_CHOICES} choices: neither a pass nor a failure. */
  static final class Overrun extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Overrun() {
      super("more than " + MAX_CHOICES + " choices", null, false, false);
    }
  }
}
