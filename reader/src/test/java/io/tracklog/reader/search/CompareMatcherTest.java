package io.tracklog.reader.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.reader.search.Clause.Op;
import io.tracklog.testing.Choices;
import io.tracklog.testing.Property;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Compare#matcher}, which the columnar engine runs over a column's dictionary, answers as
 * {@link Compare#compare(String, Op, Clause.Value)} does, for patterns with and without the
 * literal-prefix shortcut, over text with case pairs, wildcard characters, surrogate pairs and
 * unpaired surrogates.
 */
class CompareMatcherTest {
  /** Pieces of values and patterns; "\uD83D" and "\uDE00" are the halves of 😀, alone or paired. */
  private static final String[] PIECES = {
    "a", "A", "b", "1", "%", "_", "ü", "Ü", "😀", "\uD83D", "\uDE00", "ß", "İ", "i", "\n", ""
  };

  private static String text(Choices random, int maxPieces) {
    StringBuilder s = new StringBuilder();
    int n = random.index(maxPieces + 1);
    for (int i = 0; i < n; i++) {
      s.append(PIECES[random.index(PIECES.length)]);
    }
    return s.toString();
  }

  @Test
  void matcher_answersAsCompare_onRandomPatternsAndValues() {
    List<Op> ops = List.of(Op.LIKE, Op.ILIKE, Op.EQ, Op.NE);
    Property.drawing().tries(300).check(random -> {
      Op op = ops.get(random.index(ops.size()));
      String pattern = text(random, 4);
      if (random.weighted(0.5)) {
        pattern = pattern.replace("%", "").replace("_", "") + "%".repeat(1 + random.index(2));
      }
      Clause.Value rhs = new Clause.Text(pattern);
      var matcher = Compare.matcher(op, rhs);
      for (int v = 0; v < 40; v++) {
        String value = text(random, 5);
        if (random.weighted(0.3)) {
          value = pattern.replace("%", "") + value; // values that share the pattern's literal part
        }
        assertThat(matcher.test(value))
            .as("%s %s %s", Property.printable(value), op, Property.printable(pattern))
            .isEqualTo(Compare.compare(value, op, rhs));
      }
    });
  }

  @Test
  void literalPrefix_thatEndsInAHighSurrogate_matchesByCodePoint() {
    // "\uD83D%" must not match "😀x": as code points the value starts with U+1F600, not U+D83D.
    var matcher = Compare.matcher(Op.LIKE, new Clause.Text("\uD83D%"));
    assertThat(matcher.test("😀x")).isFalse();
    assertThat(matcher.test("\uD83Dx")).isTrue();
    assertThat(Compare.matcher(Op.LIKE, new Clause.Text("1%")).test("10")).isTrue();
    assertThat(Compare.matcher(Op.LIKE, new Clause.Text("1%%")).test("2")).isFalse();
  }
}
