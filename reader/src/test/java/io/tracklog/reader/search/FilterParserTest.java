package io.tracklog.reader.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.ErrorCode;
import io.tracklog.reader.search.Clause.Entity;
import io.tracklog.reader.search.Clause.Op;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The filter grammar of mlflow/utils/search_utils.py; docs/SEARCH.md: what parses into what, and what is rejected where. */
class FilterParserTest {
  @Test
  void clauses_resolvePrefixesAliasesAndQuotes() {
    RunFilter f =
        RunFilter.parse(
            "metrics.`val loss` < .5 and tags.\"a b\" = \"x\" AND created >= 5. `params`.'k' != 'it''s'"
                + " run.`Run Name` ILIKE '%a' datasets.context IN ('train', 'Eval')");
    assertThat(f.clauses())
        .extracting(Clause::entity, Clause::key, Clause::op)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Entity.METRIC, "val loss", Op.LT),
            org.assertj.core.groups.Tuple.tuple(Entity.TAG, "a b", Op.EQ),
            org.assertj.core.groups.Tuple.tuple(Entity.ATTRIBUTE, "start_time", Op.GE),
            org.assertj.core.groups.Tuple.tuple(Entity.PARAM, "k", Op.NE),
            org.assertj.core.groups.Tuple.tuple(Entity.ATTRIBUTE, "run_name", Op.ILIKE),
            org.assertj.core.groups.Tuple.tuple(Entity.DATASET, "context", Op.IN));
    assertThat(f.clauses().get(0).value()).isEqualTo(new Clause.Number(0.5, ".5"));
    assertThat(f.clauses().get(1).value()).isEqualTo(new Clause.Text("x"));
    assertThat(f.clauses().get(3).value()).isEqualTo(new Clause.Text("it''s"));
    assertThat(f.clauses().get(5).value()).isEqualTo(new Clause.Values(List.of("train")));
    assertThat(f.clauses().get(1).text()).isEqualTo("tags.\"a b\" = \"x\"");
    assertThat(f.clauses().get(1).position()).isEqualTo(28);
  }

  /** MLflow reads an IN list with {@code ast.literal_eval}: any Python string literal, either quote, any case of IN. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "run_id in (\"ab\", \"cd\")|ab,cd",
        "run_id NOT in (\"ab\")|ab",
        "run_id In ('ab', \"cd\",)|ab,cd",
        "run_id IN (\"ab\")|ab",
        "run_id IN ((('ab')))|ab",
        "run_id IN (( 'ab', 'cd' ))|ab,cd",
        "run_id IN (r'a\\b', u'cd', \"\"\"ef\"\"\")|a\\b,cd,ef",
        "run_id IN ('a\\x62', \"c\" 'd')|ab,cd",
        "run_id IN ('AB', \"cd\")|cd",
        "datasets.name in (\"wine\")|wine",
      })
  void inLists_takeEveryPythonStringLiteral(String filter, String expected) {
    Clause c = RunFilter.parse(filter).clauses().get(0);
    assertThat(c.value()).isEqualTo(new Clause.Values(List.of(expected.split(","))));
  }

  @Test
  void inLists_mayRunOverLines() {
    Clause c = RunFilter.parse("run_id IN (\n  'ab',  # first\n  \"cd\"\n)").clauses().get(0);
    assertThat(c.value()).isEqualTo(new Clause.Values(List.of("ab", "cd")));
    assertThat(RegistryFilter.parseForVersions("run_id in (\"ab\", 'cd')").clauses().get(0).value())
        .isEqualTo(new Clause.Values(List.of("ab", "cd")));
  }

  @Test
  void emptyAndNull_matchEverything_whitespaceOnly_isAnError() {
    assertThat(RunFilter.parse(null).clauses()).isEmpty();
    assertThat(RunFilter.parse("").clauses()).isEmpty();
    assertThat(RunFilter.parse("AND").clauses()).isEmpty();
    assertThatThrownBy(() -> RunFilter.parse("  \t")).hasMessageContaining("Could not be parsed");
  }

  @Test
  void position_isTheOffendingClause_inCodePoints() {
    assertThatThrownBy(() -> RunFilter.parse("metrics.acc > 0.5 OR params.model = 'cnn'"))
        .isInstanceOfSatisfying(
            InvalidFilterException.class,
            e -> {
              assertThat(e.position()).isEqualTo(18);
              assertThat(e.clause()).isEqualTo("OR");
              assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
              assertThat(e).hasMessage("Invalid clause(s) in filter string: 'OR' (clause 'OR' at position 18)");
            });
    // 😀 is two UTF-16 units but one code point
    assertThatThrownBy(() -> RunFilter.parse("tags.note = '😀' and metrics.acc <> 1"))
        .isInstanceOfSatisfying(
            InvalidFilterException.class,
            e -> {
              assertThat(e.position()).isEqualTo(20);
              assertThat(e.clause()).isEqualTo("metrics.acc <> 1");
            });
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "params.a = 'x'; params.b = 'y'|multiple expression",
        "Params.x = 'a'|Invalid entity type 'Params'",
        "`params.a` = 'x'|Invalid entity type '`params'",
        "STATUS = 'FINISHED'|Invalid attribute key 'STATUS'",
        "lifecycle_stage = 'active'|Invalid attribute key",
        "experiment_id = '1'|Invalid attribute key",
        "params.model = cnn|not quoted",
        "params.model = `cnn`|not quoted",
        "tags.x = 1|Expected a quoted string value for tag",
        "params.x = ('a')|Expected a quoted string value for parameter",
        "start_time > '1'|Expected numeric value type for numeric attribute: start_time",
        "end_time = null|Expected numeric value type for numeric attribute",
        "datasets.foo = 'x'|Invalid dataset key 'foo'",
        "run_id IN ()|empty list",
        "run_id IN ('a', 1)|different type in list",
        "run_id IN (1,)|different type in list",
        "run_id in ('a', abc)|different type in list",
        "run_id IN (b'a')|different type in list",
        "run_id IN (('a',), 'b')|different type in list",
        "run_id IN ['a']|Invalid clause(s)",
        "run_id IN ('a' 1)|ill-formed list",
        "run_id IN ('a)|ill-formed list",
        "params.model in (\"a\", \"b\")|Expected a quoted string value for parameter",
        "run_id IN ('a',,'b')|ill-formed list",
        "run_id IN ('\\x4')|ill-formed list",
        "run_id = ('a')|for a list value",
        "run_id IN 'a'|Invalid clause(s)",
        "metrics.acc IN ('a')|Expected numeric value type for metric",
        "metrics.acc = 0x10|Expected numeric value type for metric",
        "metrics.acc = 1e+3|Expected numeric value type for metric. Found 1e+3",
        "metrics.acc = true|Invalid clause(s)",
        "params.model NOT LIKE 'c%'|Invalid comparator 'NOT LIKE'",
        "params.model RLIKE 'c%'|Invalid comparator 'RLIKE'",
        "params.model > 'c'|Invalid comparator '>'",
        "metrics.acc == 0.5|Invalid comparator '=='",
        "metrics.acc => 0.5|Invalid comparator '=>'",
        "metrics.acc LIKE 1|Invalid comparator 'LIKE'",
        "status IN ('running')|Only the 'run_id' attribute",
        "metrics.acc = +1|Invalid clause(s)",
        "metrics.acc > 1.e3|Invalid clause(s) in filter string: '.'",
        "tags.a IS NULL|Invalid clause(s)",
        "(params.a = 'x')|Invalid clause(s)",
        "metrics.a BETWEEN 1 AND 2|Invalid clause(s)",
        "params.a = 'x' -- comment|Invalid clause(s)",
        "params.a LIKE('x')|Invalid clause(s)",
        "metrics. acc > 1|Invalid identifier",
        "metrics.acc. > 1|Invalid identifier",
        "'metrics.acc' > 1|Expected 'Identifier' found",
        "params.a = 'x' 'y'|Invalid clause(s)",
        "params.a = 'x' 'y' = 'z'|Expected 'Identifier' found ''y''",
        "metrics.a > 1 foo|Invalid clause(s)",
        "metrics.a = 1and b = 2|Expected numeric value type for metric. Found 1and",
      })
  void invalidFilters_areRejectedWithMlflowsWording(String filter, String message) {
    assertThatThrownBy(() -> RunFilter.parse(filter))
        .isInstanceOf(InvalidFilterException.class)
        .hasMessageContaining(message);
  }

  @Test
  void experimentFilters_haveTheirOwnPrefixes() {
    assertThat(ExperimentFilter.parse("attribute.name = 'a' and tag.t = 'v' AND tags.`u` LIKE 'x%'").clauses())
        .extracting(Clause::entity, Clause::key)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Entity.ATTRIBUTE, "name"),
            org.assertj.core.groups.Tuple.tuple(Entity.TAG, "t"),
            org.assertj.core.groups.Tuple.tuple(Entity.TAG, "u"));
    for (String bad :
        List.of(
            "attributes.name = 'a'",
            "attr.name = 'a'",
            "`tags`.x = 'y'",
            "experiment_id = '1'",
            "lifecycle_stage = 'active'",
            "creation_time > 'x'",
            "name > 'a'",
            "name IN ('a')",
            "tags.x > 'a'",
            "params.x = 'a'")) {
      assertThatThrownBy(() -> ExperimentFilter.parse(bad)).as(bad).isInstanceOf(InvalidFilterException.class);
    }
  }

  @Test
  void like_isSqlLike() {
    assertThat(Compare.like("mlp_v2", "mlp.v2", false)).isFalse();
    assertThat(Compare.like("mlp.v2", "mlp.v2", false)).isTrue();
    assertThat(Compare.like("a\nb", "a%b", false)).isTrue();
    assertThat(Compare.like("a\nb", "a_b", false)).isTrue();
    assertThat(Compare.like("ab", "a_b", false)).isFalse();
    assertThat(Compare.like("a😀b", "a_b", false)).isTrue();
    assertThat(Compare.like("x[y]*", "x[y]*", false)).isTrue();
    assertThat(Compare.like("ABC", "a%", false)).isFalse();
    assertThat(Compare.like("ABC", "a%", true)).isTrue();
    assertThat(Compare.like("abcabc", "%b%b_", false)).isTrue();
    assertThat(Compare.like("", "%", false)).isTrue();
    assertThat(Compare.like("", "_", false)).isFalse();
  }

  @Test
  void codePointOrder_isNotUtf16Order() {
    // U+FF5E (one unit, 0xFF5E) sorts before U+1F600 (surrogates 0xD83D...) by code point
    assertThat(Compare.compareCodePoints("\uFF5E", "😀")).isNegative();
    assertThat("\uFF5E".compareTo("😀")).isPositive();
    assertThat(Compare.compareCodePoints("PROD", "Prod")).isNegative();
    assertThat(Compare.compareCodePoints("Prod", "dev")).isNegative();
    assertThat(Compare.compareCodePoints("10", "9")).isNegative();
  }
}
