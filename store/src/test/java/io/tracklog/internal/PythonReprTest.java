package io.tracklog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link PythonJson#repr} (Schubfach digits) against the slow reference it replaced, which was
 * checked against CPython's {@code repr} on 200,000 random doubles: the shortest precision whose
 * correctly rounded value reads back. They must agree on random bit patterns (every exponent),
 * on short decimals (what metrics usually are) and on the boundaries.
 */
class PythonReprTest {
  @Test
  void agreesWithTheReferenceOnRandomDoubles() {
    SplittableRandom random = new SplittableRandom(20261203L);
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      double v = Double.longBitsToDouble(random.nextLong());
      check(v, mismatches);
      double shortDecimal = Double.parseDouble(random.nextInt(1, 100_000) + "e" + random.nextInt(-30, 30));
      check(shortDecimal, mismatches);
      check(random.nextDouble(), mismatches);
    }
    for (double v : new double[] {
        Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, 1e16, 9.999999999999999e15, 1e-4, 9.9e-5, 0.1, 5e-324,
        1e23, 9.5, 0.95, 95.0, 2.82879384806159e17, Math.ulp(1.0), 1 - Math.ulp(1.0) / 2}) {
      check(v, mismatches);
      check(-v, mismatches);
    }
    assertThat(mismatches).isEmpty();
  }

  private static void check(double v, List<String> mismatches) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return;
    }
    String fast = PythonJson.repr(v);
    String reference = reference(v);
    if (!fast.equals(reference) && mismatches.size() < 20) {
      mismatches.add(Double.doubleToRawLongBits(v) + ": " + fast + " vs " + reference);
    }
  }

  /** The former digits: the shortest HALF_EVEN precision that reads back. */
  static String reference(double v) {
    if (v == 0) {
      return (1 / v < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(v);
    BigDecimal shortest = exact;
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      if (candidate.doubleValue() == v) {
        shortest = candidate;
        break;
      }
    }
    shortest = shortest.stripTrailingZeros();
    String digits = shortest.unscaledValue().abs().toString();
    return PythonJson.notation(v < 0, digits, digits.length() - shortest.scale()); // the notation is shared
  }
}
