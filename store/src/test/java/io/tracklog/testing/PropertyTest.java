package io.tracklog.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The property harness itself: it runs every try, and a failure shrinks to the minimal input. */
class PropertyTest {

  @Test
  void passingProperty_runsEveryTry() {
    AtomicInteger calls = new AtomicInteger();
    Property.forAll(Gen.ints(0, 10)).tries(321).check(i -> calls.incrementAndGet());
    assertThat(calls).hasValue(321);
  }

  @Test
  void failingList_shrinksToTheOneElementThatBreaksIt() {
    AssertionError e =
        catchThrowableOfType(
            AssertionError.class,
            () -> Property.forAll(Gen.ints(0, 1000).list(0, 50, 20))
                .tries(200)
                .check(l -> assertThat(l).allMatch(i -> i < 50)));
    assertThat(e.getMessage()).contains("input: [50]").contains("rerun it first with -Dtracklog.test.seed=");
    assertThat(e.getCause()).isInstanceOf(AssertionError.class);
  }

  @Test
  void failingString_shrinksToTheSmallestOffendingPiece() {
    Gen<String> s = Gen.strings(Gen.oneOf("x", "a", "b", "ab", "yyy"), 30, 10);
    AssertionError e =
        catchThrowableOfType(
            AssertionError.class,
            () -> Property.forAll(s).tries(500).check(v -> assertThat(v).doesNotContain("ab")));
    assertThat(e.getMessage()).contains("input: ab\n");
  }

  @Test
  void sumOfTwoNumbers_shrinksToTheBoundary() {
    Gen<long[]> pair = c -> new long[] {Gen.between(0, 1_000_000).next(c), Gen.between(0, 1_000_000).next(c)};
    AssertionError e =
        catchThrowableOfType(
            AssertionError.class,
            () -> Property.forAll(pair)
                .describedAs(p -> p[0] + "+" + p[1])
                .tries(500)
                .check(p -> assertThat(p[0] + p[1]).isLessThan(1000)));
    assertThat(e.getMessage()).contains("input: 0+1000\n");
  }

  @Test
  void sameSeed_sameMinimalCase() {
    Gen<List<Long>> g = Gen.longs().list(0, 30, 10);
    Property.Check<List<Long>> check = l -> assertThat(l.stream().filter(v -> v < 0).count()).isLessThan(2);
    String first =
        catchThrowableOfType(AssertionError.class, () -> Property.forAll(g).seed(42).tries(100).check(check)).getMessage();
    String again =
        catchThrowableOfType(AssertionError.class, () -> Property.forAll(g).seed(42).tries(100).check(check)).getMessage();
    assertThat(again.replaceAll("\\d+ ms", "")).isEqualTo(first.replaceAll("\\d+ ms", ""));
    assertThat(first).contains("seed 42;").contains("input: [-1, -1]");
  }

  @Test
  void drawingProperty_reportsTheNotesOfTheMinimalSteps() {
    AssertionError e =
        catchThrowableOfType(
            AssertionError.class,
            () -> Property.drawing().tries(200).check(c -> {
              List<String> stack = new ArrayList<>();
              while (c.weighted(0.9)) {
                if (c.index(3) == 2) {
                  c.note("push");
                  stack.add("x");
                } else if (!stack.isEmpty()) {
                  c.note("pop");
                  stack.remove(stack.size() - 1);
                }
                assertThat(stack).hasSizeLessThan(3);
              }
            }));
    assertThat(e.getMessage()).contains("  push\n  push\n  push\nfailure:");
  }

  @Test
  void exceptionOfAnotherClass_isNotTakenForTheFailure() {
    // shrinking to 0 hits the ArithmeticException (fresh tries almost never do); only IllegalStateException counts
    AssertionError e =
        catchThrowableOfType(
            AssertionError.class,
            () -> Property.forAll(Gen.ints(0, 1_000_000)).tries(300).check(i -> {
              int unused = 100 / i;
              if (i > 900_000) {
                throw new IllegalStateException("big " + i);
              }
            }));
    assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("big 900001");
  }

  @Test
  void mostlyRejectedTries_fail() {
    assertThatThrownBy(
            () -> Property.forAll(Gen.ints(0, 10)).tries(50).check(i -> {
              throw new Property.Rejected("never");
            }))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("50 of 50 tries rejected");
  }

  @Test
  void generatorsStayInRange_andReachTheirBounds() {
    Property.forAll(Gen.between(Long.MIN_VALUE, Long.MAX_VALUE)).tries(200).check(v -> {});
    List<Long> seen = new ArrayList<>();
    Property.forAll(Gen.between(-3, 3)).tries(500).check(seen::add);
    assertThat(seen).allMatch(v -> v >= -3 && v <= 3).contains(-3L, 3L);
    List<Integer> sizes = new ArrayList<>();
    Property.forAll(Gen.ints(0, 9).list(2, 5, 3)).tries(500).check(l -> sizes.add(l.size()));
    assertThat(sizes).allMatch(n -> n >= 2 && n <= 5).contains(2, 5);
    List<Long> wide = new ArrayList<>();
    Property.forAll(Gen.between(-10, Long.MAX_VALUE)).tries(500).check(wide::add);
    assertThat(wide).allMatch(v -> v >= -10);
  }
}
