package io.tracklog.testing;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A property test: runs a check on many generated inputs and, when one fails, shrinks it to a
 * minimal failing input before reporting. Inputs come from a {@link Gen}, or are drawn during the
 * check from its {@link Choices} (for stateful properties that pick their next step from the state
 * they are in). Runs inside an ordinary JUnit test method, so {@code @TempDir} and the surefire
 * counts work as for any test.
 *
 * <pre>{@code
 * Property.forAll(EventGens.runEvent()).tries(400).check(e -> assertThat(decode(encode(e))).isEqualTo(e));
 * Property.drawing().tries(20).check(choices -> { ... choices.index(3) ... choices.note("step") ... });
 * }</pre>
 *
 * <p>Seeds: try 0 uses {@code -Dtracklog.test.seed=N} when set, else a fresh random seed; every
 * further try a seed derived from it. A failure names the failing try's own seed: rerunning with
 * {@code -Dtracklog.test.seed=} that seed makes it try 0, so the same input fails first and
 * shrinks the same way. {@link #seed(long)} pins a seed in code. Nothing is written to disk.
 *
 * <p>Shrinking (as in Hypothesis's minithesis): the failing try's recorded choices are made
 * shorter and smaller (chunks deleted, zeroed, values lowered) as long as the check still fails
 * with the same exception class; bounded by {@link #shrinkSeconds(int)}.
 */
public final class Property<T> {
  /** System property holding the seed of try 0. */
  public static final String SEED_PROPERTY = "tracklog.test.seed";

  private final Gen<T> gen;
  private int tries = 100;
  private Long seed;
  private int shrinkSeconds = 60;
  private int maxShrinkRuns = 5_000;
  private Function<? super T, String> describe = v -> printable(String.valueOf(v));

  private Property(Gen<T> gen) {
    this.gen = gen;
  }

  /** A property over the values of {@code gen}. */
  public static <T> Property<T> forAll(Gen<T> gen) {
    return new Property<>(gen);
  }

  /** A property whose check draws its own inputs from the try's {@link Choices}. */
  public static Property<Choices> drawing() {
    return new Property<>(c -> c).describedAs(c -> "(drawn during the check, see the notes)");
  }

  /** How many inputs to check (default 100). */
  public Property<T> tries(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("Invalid tries: " + n);
    }
    this.tries = n;
    return this;
  }

  /** Fixes the seed of try 0 (a failure reproduced in code); the system property still wins. */
  public Property<T> seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Stops shrinking after this long and reports the smallest failure found (default 60 s). */
  public Property<T> shrinkSeconds(int seconds) {
    this.shrinkSeconds = seconds;
    return this;
  }

  /** Stops shrinking after this many runs of the check (default 5000). */
  public Property<T> maxShrinkRuns(int runs) {
    this.maxShrinkRuns = runs;
    return this;
  }

  /** How the failing input is printed (default {@code String.valueOf}). */
  public Property<T> describedAs(Function<? super T, String> describe) {
    this.describe = describe;
    return this;
  }

  /** The check: throws (an assertion error, say) when the property does not hold for the input. */
  @FunctionalInterface
  public interface Check<T> {
    void accept(T input) throws Exception;
  }

  /** Thrown by a check or generator to discard a try: it neither passes nor fails. */
  public static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Rejected(String why) {
      super(why, null, false, false);
    }
  }

  /**
   * Runs the check on {@link #tries} inputs.
   *
   * @throws AssertionError naming the seed, the minimal failing input and its failure, when the
   *     check fails on an input; or when more than half of the tries were rejected
   */
  public void check(Check<? super T> check) {
    String fixed = System.getProperty(SEED_PROPERTY);
    long first = fixed != null ? Long.parseLong(fixed.trim()) : seed != null ? seed : new SplittableRandom().nextLong();
    SplittableRandom seeds = new SplittableRandom(first);
    int rejected = 0;
    for (int i = 0; i < tries; i++) {
      long trySeed = i == 0 ? first : seeds.nextLong();
      Choices choices = Choices.random(trySeed);
      Throwable failure = run(choices, check);
      if (failure instanceof Rejected || failure instanceof Choices.Overrun) {
        rejected++;
      } else if (failure != null) {
        throw report(i, trySeed, choices.made(), failure, check);
      }
    }
    if (rejected > tries / 2) {
      throw new AssertionError(rejected + " of " + tries + " tries rejected (seed " + first + ")");
    }
  }

  /** Runs one try; returns what it threw, or null if the check held. */
  private Throwable run(Choices choices, Check<? super T> check) {
    try {
      T input = gen.next(choices);
      choices.note("input: " + describe.apply(input));
      check.accept(input);
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  private AssertionError report(int tryIndex, long trySeed, long[] made, Throwable failure, Check<? super T> check) {
    Shrunk shrunk = new Shrinker(made, failure, check).shrink();
    Choices minimal = Choices.replay(shrunk.choices);
    minimal.recordNotes();
    Throwable minimalFailure = run(minimal, check);
    StringBuilder msg = new StringBuilder();
    msg.append("Property failed on try ").append(tryIndex + 1).append(" of ").append(tries)
        .append(" (seed ").append(trySeed).append("; rerun it first with -D").append(SEED_PROPERTY).append('=')
        .append(trySeed).append(")\n");
    msg.append("shrunk from ").append(made.length).append(" to ").append(shrunk.choices.length)
        .append(" choices in ").append(shrunk.runs).append(" runs (").append(shrunk.millis).append(" ms")
        .append(shrunk.budgetSpent ? ", budget spent: perhaps not minimal" : "").append(")\n");
    msg.append("minimal case:\n");
    List<String> notes = minimal.notes();
    for (String note : notes) {
      msg.append("  ").append(note).append('\n');
    }
    Throwable cause = minimalFailure != null ? minimalFailure : shrunk.failure;
    if (minimalFailure == null) {
      msg.append("(the minimal case passed when replayed for this report: the check is not deterministic)\n");
    }
    msg.append("failure: ").append(cause);
    AssertionError error = new AssertionError(msg.toString(), cause);
    if (failure != cause) {
      error.addSuppressed(failure); // the original, unshrunk failure
    }
    return error;
  }

  private record Shrunk(long[] choices, Throwable failure, int runs, long millis, boolean budgetSpent) {}

  /** Makes a failing choice sequence shorter and smaller while the check keeps failing the same way. */
  private final class Shrinker {
    private long[] best;
    private Throwable bestFailure;
    private final Class<?> kind;
    private final Check<? super T> check;
    private final long deadline;
    private final long start = System.nanoTime();
    private int runs;

    Shrinker(long[] made, Throwable failure, Check<? super T> check) {
      this.best = made;
      this.bestFailure = failure;
      this.kind = failure.getClass();
      this.check = check;
      this.deadline = start + shrinkSeconds * 1_000_000_000L;
    }

    private boolean spent() {
      return runs >= maxShrinkRuns || System.nanoTime() > deadline;
    }

    /** Runs a candidate; keeps it if it is simpler than the best and fails the same way. */
    private boolean consider(long[] candidate) {
      if (spent() || !simpler(candidate, best)) {
        return false;
      }
      runs++;
      Choices c = Choices.replay(candidate);
      Throwable t = run(c, check);
      if (t != null && t.getClass() == kind) {
        long[] made = c.made();
        if (simpler(made, best)) {
          best = made;
          bestFailure = t;
          return true;
        }
      }
      return false;
    }

    Shrunk shrink() {
      boolean progress = true;
      while (progress && !spent()) {
        progress = false;
        // cut the tail: past the end of a replay every choice is 0 ("stop", the first option)
        for (int k = Integer.highestOneBit(Math.max(1, best.length / 2)); k >= 1; k /= 2) {
          while (k <= best.length && consider(Arrays.copyOf(best, best.length - k))) {
            progress = true;
          }
        }
        // delete blocks, large ones first: fewer steps, fewer list elements
        for (int k = Integer.highestOneBit(Math.max(1, best.length)); k >= 1; k /= 2) {
          int step = k > 8 ? k : 1; // large blocks aligned, small ones at every position
          for (int i = best.length - k; i >= 0; i -= step) {
            if (i + k <= best.length) {
              long[] c = new long[best.length - k];
              System.arraycopy(best, 0, c, 0, i);
              System.arraycopy(best, i + k, c, i, best.length - i - k);
              progress |= consider(c);
            }
          }
        }
        // zero blocks: first options, lower bounds
        for (int k = Integer.highestOneBit(Math.max(1, best.length)); k >= 1; k /= 2) {
          int step = k > 8 ? k : 1;
          for (int i = 0; i + k <= best.length; i += step) {
            if (Arrays.stream(best, i, i + k).anyMatch(v -> v != 0)) {
              long[] c = best.clone();
              Arrays.fill(c, i, i + k, 0);
              progress |= consider(c);
            }
          }
        }
        for (int i = 0; i < best.length; i++) { // lower each value: binary search for the smallest
          if (best[i] > 0) {
            progress |= lower(i);
          }
        }
        for (int i = 0; i + 1 < best.length; i++) { // move a value to a later choice: 0+1000 over 1000+0
          for (int j = i + 1; j < Math.min(best.length, i + 8); j++) {
            if (best[i] > 0 && best[j] < Long.MAX_VALUE - best[i]) {
              long[] c = best.clone();
              c[j] += c[i];
              c[i] = 0;
              progress |= consider(c);
            }
          }
        }
        for (int i = 0; i + 1 < best.length; i++) { // a smaller choice followed by fewer choices
          for (int k = 1; k <= 8 && i + 1 + k <= best.length; k *= 2) {
            if (best[i] > 0) {
              long[] c = new long[best.length - k];
              System.arraycopy(best, 0, c, 0, i + 1);
              System.arraycopy(best, i + 1 + k, c, i + 1, best.length - i - 1 - k);
              c[i]--;
              progress |= consider(c);
            }
          }
        }
      }
      return new Shrunk(best, bestFailure, runs, (System.nanoTime() - start) / 1_000_000, spent());
    }

    private boolean lower(int i) {
      long[] c = best.clone();
      c[i] = 0;
      if (consider(c)) {
        return true;
      }
      long lo = 0; // fails at best[i], passes (or differs) at lo
      long hi = best[i];
      boolean changed = false;
      while (lo + 1 < hi && i < best.length && !spent()) {
        long mid = lo + (hi - lo) / 2;
        c = best.clone();
        c[i] = mid;
        if (consider(c)) {
          changed = true;
          if (i >= best.length) {
            break;
          }
          hi = best[i];
        } else {
          lo = mid;
        }
      }
      return changed;
    }
  }

  /** {@code s} with every character outside printable ASCII (and the backslash) as a Java unicode escape. */
  public static String printable(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < 0x20 || ch > 0x7E || ch == '\\') {
        sb.append(String.format("\\u%04X", (int) ch));
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }

  /** Lexicographic order on the choices after length: shorter is simpler, then smaller values. */
  static boolean simpler(long[] a, long[] b) {
    if (a.length != b.length) {
      return a.length < b.length;
    }
    return Arrays.compareUnsigned(a, b) < 0;
  }
}
