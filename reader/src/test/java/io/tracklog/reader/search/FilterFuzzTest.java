package io.tracklog.reader.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.Experiment;
import io.tracklog.LifecycleStage;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunInfo;
import io.tracklog.RunStatus;
import io.tracklog.error.ErrorCode;
import io.tracklog.testing.Choices;
import io.tracklog.testing.Gen;
import io.tracklog.testing.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Random strings, and random mutations of valid filters and order_by elements, never crash the
 * parsers: each input parses (and then evaluates and sorts without error, and each clause re-parses
 * alone to itself) or raises {@link InvalidFilterException} with INVALID_PARAMETER_VALUE and a
 * position inside the input. Property tests: a failure is shrunk to a minimal input and names the
 * seed that reproduces it.
 */
class FilterFuzzTest {
  private static final int ITERATIONS = 4000;

  private static final String[] PIECES = {
    "metrics.", "params.", "tags.", "attributes.", "attr.", "run.", "datasets.", "dataset.", "tag.",
    "attribute.", "`metrics`.", "acc", "val loss", "run_id", "start_time", "end_time", "status",
    "run_name", "created", "Created", "`Run name`", "name", "digest", "context", "creation_time",
    "last_update_time", " AND ", " and ", " OR ", " NOT ", " IN ", " NOT IN ", " LIKE ", " ILIKE ",
    " = ", "!=", ">=", "<=", "<", ">", "<>", "==", "'cnn'", "\"x\"", "'it''s'", "'a\\'b'", "('a', 'b')",
    "('a' 'b',)", "()", "0.5", "-1", ".5", "5.", "1e-3", "1e+3", "0x1F", "1abc", "`", "'", "\"", "(",
    ")", ",", ";", ".", " ", "\t", "\n", "%", "_", "*", "-- c", "/* c */", "# ", "😀", "é", "´x´",
    "\u00a0", "\\", "$", "?", ":", "[x]", "NULL", "IS", "DESC", "asc", "timestamp"
  };

  private static final String ALPHABET =
      "abcXYZ019_.`'\"(),;=!<>~+-*/%#&|^@$?:[]{} \t\n\\´😀éİ\u00a0\u2028";

  static final List<String> VALID_FILTERS =
      List.of(
          "metrics.acc = 0.6",
          "metrics.`val loss` < 0.4 AND params.`batch size` = '32'",
          "tags.mlflow.parentRunId = 'd9000000000000000000000000000009'",
          "attributes.`Run name` ILIKE 'alpha-upper' and attr.status != 'FAILED'",
          "run_id IN ('a7000000000000000000000000000004', 'b7',) AND datasets.context NOT IN ('x')",
          "start_time > 1700000100000 and end_time <= 1.7e12 created >= 5",
          "tags.note LIKE '50__done' AND params.model ILIKE '%cnn%'",
          "datasets.name = 'wine' and datasets.digest IN ('d3c')",
          "attributes.run_id in (\"a7\", r'b7', u\"c5\") and datasets.name not in (\"wine\",)",
          "`metrics`.acc>=0.99 AND AND tags.\"team-name\" = \"core\"",
          "name ILIKE 'EXP-A%' AND tags.team = 'core' AND creation_time > 5");

  static final List<String> VALID_ORDER_BY =
      List.of(
          "metrics.acc DESC", "params.epochs ASC", "attributes.start_time", "Created DESC",
          "metrics.`val loss` desc", "tags.note", "run_name DESC", "name ASC", "experiment_id");

  static final List<Run> RUNS = runs();
  static final List<Experiment> EXPERIMENTS =
      List.of(
          new Experiment("0", "Default", "file:///x", LifecycleStage.ACTIVE, 5, 6, Map.of()),
          new Experiment("12", "exp-alpha", "file:///x", LifecycleStage.ACTIVE, 7, 7, Map.of("team", "core")));

  private static List<Run> runs() {
    List<Run> runs = new ArrayList<>();
    runs.add(
        new Run(
            new RunInfo("a7", "alpha", "1", "alice", RunStatus.FINISHED, 10, 20L, "file:///a", LifecycleStage.ACTIVE),
            Map.of("acc", new Metric("acc", 0.6, 1, 0), "val loss", new Metric("val loss", Double.NaN, 1, 0)),
            Map.of("model", "cnn", "batch size", "32"),
            Map.of("note", "50%_done", "mlflow.parentRunId", "p"),
            List.of(DatasetInput.of(new Dataset("wine", "d3c", "local", "x", null, null), "training"))));
    runs.add(
        new Run(
            new RunInfo("b7", "Alpha Upper", "1", null, RunStatus.RUNNING, 10, null, "file:///b", LifecycleStage.ACTIVE),
            Map.of("acc", new Metric("acc", Double.POSITIVE_INFINITY, 1, 0)),
            Map.of(),
            Map.of("team-name", "core"),
            List.of()));
    runs.add(
        new Run(
            new RunInfo("c5", "c", "1", "bob", RunStatus.FAILED, 3, 4L, "file:///c", LifecycleStage.DELETED),
            Map.of(),
            Map.of("epochs", "09"),
            Map.of(),
            List.of()));
    return runs;
  }

  /** A piece of filter syntax, or one code point of an alphabet of awkward characters. */
  static Gen<String> piece() {
    List<String> codePoints = ALPHABET.codePoints().mapToObj(Character::toString).toList();
    return Gen.choose(Gen.oneOf(PIECES), Gen.oneOf(codePoints));
  }

  /** Up to 7 pieces of filter syntax and awkward characters, joined. */
  static Gen<String> randomStrings() {
    return piece().list(0, 7, 3.5).map(l -> String.join("", l));
  }

  /** Strings made of filter pieces parse, or raise InvalidFilterException with a position inside them. */
  @Test
  void randomStrings_parseOrRaiseTheTypedError() {
    Property.forAll(randomStrings()).describedAs(FilterFuzzTest::quote).tries(ITERATIONS).check(FilterFuzzTest::check);
  }

  /** A valid filter or order_by element, with 1 to 4 mutations. */
  static Gen<String> mutatedValidInputs() {
    List<String> valid = new ArrayList<>(VALID_FILTERS);
    valid.addAll(VALID_ORDER_BY);
    return c -> {
      String s = Gen.oneOf(valid).next(c);
      for (int m = Gen.ints(1, 4).next(c); m > 0; m--) {
        s = mutate(s, c);
      }
      return s;
    };
  }

  /** Valid inputs, mutated, parse or raise InvalidFilterException with a position; and some still parse. */
  @Test
  void mutatedValidInputs_parseOrRaiseTheTypedError() {
    parsed = 0;
    for (String seed : VALID_FILTERS) {
      RunFilter.parse(seed.replace("name ILIKE", "run_name ILIKE").replace("creation_time", "start_time")
          .replace("tags.team = 'core'", "tags.x = 'y'"));
    }
    Property.forAll(mutatedValidInputs()).describedAs(FilterFuzzTest::quote).tries(ITERATIONS).check(FilterFuzzTest::check);
    assertThat(parsed).as("mutated inputs that still parse").isGreaterThan(ITERATIONS / 20);
  }

  /** One mutation: a piece inserted, 1 to 3 characters deleted, one replaced, a stretch doubled, two swapped. */
  private static String mutate(String s, Choices c) {
    int at = s.isEmpty() ? 0 : c.index(s.length() + 1);
    String piece = c.weighted(0.5) ? Gen.oneOf(PIECES).next(c) : String.valueOf(ALPHABET.charAt(c.index(ALPHABET.length())));
    switch (c.index(5)) {
      case 0 -> {
        return s.substring(0, at) + piece + s.substring(at);
      }
      case 1 -> {
        int end = Math.min(s.length(), at + 1 + c.index(3));
        return at >= s.length() ? s : s.substring(0, at) + s.substring(end);
      }
      case 2 -> {
        int end = Math.min(s.length(), at + 1);
        return s.substring(0, at) + piece + s.substring(end);
      }
      case 3 -> {
        int end = Math.min(s.length(), at + c.index(6));
        return s.substring(0, end) + s.substring(at, end) + s.substring(end);
      }
      default -> {
        if (s.length() < 2) {
          return s;
        }
        int a = c.index(s.length());
        int b = c.index(s.length());
        char[] chars = s.toCharArray();
        char t = chars[a];
        chars[a] = chars[b];
        chars[b] = t;
        return new String(chars);
      }
    }
  }

  private static int parsed;

  private static void check(String s) {
    try {
      RunFilter f = RunFilter.parse(s);
      parsed++;
      for (Run run : RUNS) {
        f.matches(run);
      }
      for (Clause c : f.clauses()) {
        List<Clause> again = RunFilter.parse(c.text()).clauses();
        assertThat(again).as("clause %s of %s", c.text(), s).hasSize(1);
        Clause alone = again.get(0);
        assertThat(new Clause(alone.entity(), alone.key(), alone.op(), alone.value(), alone.text(), c.position()))
            .as("clause %s of %s", c.text(), s)
            .isEqualTo(c);
      }
    } catch (InvalidFilterException e) {
      checkError(s, e);
    } catch (RuntimeException | StackOverflowError e) {
      fail("RunFilter.parse crashed on " + quote(s), e);
    }
    try {
      ExperimentFilter f = ExperimentFilter.parse(s);
      EXPERIMENTS.forEach(f::matches);
    } catch (InvalidFilterException e) {
      checkError(s, e);
    } catch (RuntimeException | StackOverflowError e) {
      fail("ExperimentFilter.parse crashed on " + quote(s), e);
    }
    try {
      List<OrderBy> order = OrderBy.parseForRuns(List.of(s));
      new ArrayList<>(RUNS).sort(RunSearch.ordering(order));
    } catch (InvalidFilterException e) {
      checkError(s, e);
    } catch (RuntimeException | StackOverflowError e) {
      fail("OrderBy.parseForRuns crashed on " + quote(s), e);
    }
    try {
      List<OrderBy> order = OrderBy.parseForExperiments(List.of(s));
      new ArrayList<>(EXPERIMENTS).sort(ExperimentSearch.ordering(order));
    } catch (InvalidFilterException e) {
      checkError(s, e);
    } catch (RuntimeException | StackOverflowError e) {
      fail("OrderBy.parseForExperiments crashed on " + quote(s), e);
    }
  }

  private static void checkError(String s, InvalidFilterException e) {
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    assertThat(e.position()).as("position for %s", quote(s)).isBetween(0, s.codePointCount(0, s.length()));
    assertThat(e.getMessage()).as("message for %s", quote(s)).contains("at position " + e.position());
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    s.codePoints().forEach(cp -> {
      if (cp < 0x20 || cp > 0x7e) {
        out.append(String.format("\\u{%x}", cp));
      } else {
        out.appendCodePoint(cp);
      }
    });
    return out.append('"').toString();
  }
}
