package io.tracklog.reader.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.ErrorCode;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.ViewType;
import io.tracklog.testing.SearchSample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cases of our own from mlflow/utils/search_utils.py; docs/SEARCH.md, over the conformance sample's dataset (the same
 * runs, so the expected orders can be checked by hand against the JSON).
 */
class RunSearchTest {
  static final List<String> ALL_ACTIVE_EXP1 =
      List.of(
          "Alpha-Upper", "alpha-child-2", "alpha-child-1", "alpha-parent", "alpha-nan", "alpha-running",
          "alpha-tie-a", "alpha-tie-b", "alpha-step", "alpha-base", "alpha-empty");

  @TempDir static Path dir;
  static StoreReader reader;
  static Snapshot snap;
  static Map<String, String> ids;

  @BeforeAll
  static void load() {
    ids = SearchSample.load(SearchSample.sample(), dir, false);
    reader = StoreReader.open(dir);
    snap = reader.snapshot();
  }

  @AfterAll
  static void close() {
    reader.close();
  }

  static List<String> search(String filter, List<String> experiments, String... orderBy) {
    return SearchConformanceTest.names(
        RunSearch.search(snap, SearchRequest.builder(experiments).filter(filter).orderBy(orderBy).build()).runs());
  }

  static List<String> search1(String filter, String... orderBy) {
    return search(filter, List.of("1"), orderBy);
  }

  // ---- filters -----------------------------------------------------------------------------------

  @Test
  void like_dotIsLiteral_underscoreIsOneCharacter() {
    assertThat(search("params.model LIKE 'mlp.v2'", List.of("1", "2", "3"))).containsExactly("beta-three");
    assertThat(search("params.model ILIKE 'mlp_v2'", List.of("1", "2", "3")))
        .containsExactly("alpha-nan", "alpha-running", "beta-three", "gamma-solo");
    assertThat(search1("tags.`mlflow.note.content` LIKE 'first%line'")).containsExactly("alpha-parent");
  }

  @Test
  void metricNaN_isUnequalToEverything() {
    assertThat(search1("metrics.score != 0.5"))
        .containsExactly("alpha-child-1", "alpha-parent", "alpha-nan", "alpha-tie-b", "alpha-step");
    assertThat(search1("metrics.score = 3")).containsExactly("alpha-child-1");
    assertThat(search1("metrics.score < 1e400")).containsExactly("alpha-child-1", "alpha-tie-b", "alpha-base");
  }

  @Test
  void integerLiteral_comparesWithDoubles_andDottedKeysNeedNoQuotes() {
    assertThat(search1("metrics.acc = 1")).containsExactly("Alpha-Upper");
    assertThat(search1("metrics.f1.macro > 0.75")).containsExactly("alpha-tie-a");
    assertThat(search1("tags.mlflow.runName ILIKE 'ALPHA-TIE-%'")).containsExactly("alpha-tie-a", "alpha-tie-b");
  }

  @Test
  void numericAttributes_compareExactly_withFloatLiterals() {
    assertThat(search1("start_time > 1.7000001e12")).isEqualTo(ALL_ACTIVE_EXP1.subList(0, 8));
    assertThat(search1("created >= 1700000800000")).containsExactly("Alpha-Upper", "alpha-child-2", "alpha-child-1");
    assertThat(search1("attributes.end_time = 1700000060000")).containsExactly("alpha-base");
    assertThat(search1("run.end_time <= 1700000060000.5")).containsExactly("alpha-base", "alpha-empty");
  }

  @Test
  void inLists_pythonLiteralRules() {
    String a = ids.get("alpha-tie-a");
    String b = ids.get("alpha-tie-b");
    assertThat(search1("run_id IN ('" + b + "', '" + a + "',)")).containsExactly("alpha-tie-a", "alpha-tie-b");
    assertThat(search1("run_id IN ('" + a.substring(0, 20) + "' '" + a.substring(20) + "')"))
        .containsExactly("alpha-tie-a");
    assertThat(search1("run_id NOT IN ('ABC')")).isEqualTo(ALL_ACTIVE_EXP1);
    assertThat(search1("attributes.run_id not  in ('" + a + "')")).hasSize(10).doesNotContain("alpha-tie-a");
    // double quotes, lowercase "in": MLflow reads the list with ast.literal_eval
    assertThat(search1("run_id in (\"" + b + "\", \"" + a + "\")")).containsExactly("alpha-tie-a", "alpha-tie-b");
  }

  @Test
  void quotedValues_haveNoEscapes() {
    assertThat(search1("tags.quote = \"it's\"")).containsExactly("alpha-running");
    assertThat(search1("tags.quote = 'it\\'s'")).isEmpty();
    assertThat(search1("tags.note = '50%_done'")).containsExactly("alpha-base");
  }

  @Test
  void datasets_eachClauseAnyInput_andLists() {
    assertThat(search("datasets.name IN ('iris', 'wine')", List.of("1", "2")))
        .containsExactly("alpha-tie-a", "alpha-step", "beta-one", "alpha-base");
    assertThat(search("datasets.context NOT IN ('training')", List.of("1", "2"))).containsExactly("alpha-step");
    assertThat(search("dataset.digest = 'd3c'", List.of("1", "2"))).containsExactly("alpha-tie-a", "beta-one");
  }

  @Test
  void strayLeadingTrailingAndImplicitAnd_areAccepted() {
    assertThat(search1("AND params.model = 'cnn' AND")).containsExactly("alpha-child-1", "alpha-base");
    assertThat(search1("params.epochs = '10' attributes.status = 'FINISHED'")).containsExactly("alpha-nan", "alpha-base");
    assertThat(search1("params.epochs='10'and status='FINISHED'")).containsExactly("alpha-nan", "alpha-base");
    assertThat(search1("\"Run name\" = 'alpha-nan'")).containsExactly("alpha-nan");
  }

  // ---- order_by ----------------------------------------------------------------------------------

  @Test
  void nan_afterNumbers_beforeMissing_inBothDirections() {
    assertThat(search1(null, "metrics.score ASC"))
        .containsExactly(
            "alpha-tie-b", "alpha-base", "alpha-child-1", "alpha-step", "alpha-parent", "alpha-nan",
            "Alpha-Upper", "alpha-child-2", "alpha-running", "alpha-tie-a", "alpha-empty");
    assertThat(search1(null, "metrics.score DESC"))
        .containsExactly(
            "alpha-step", "alpha-child-1", "alpha-base", "alpha-tie-b", "alpha-parent", "alpha-nan",
            "Alpha-Upper", "alpha-child-2", "alpha-running", "alpha-tie-a", "alpha-empty");
  }

  @Test
  void nullEndTime_last_evenDescending_andRepeatedKey_firstDecides() {
    assertThat(search1(null, "attributes.end_time DESC"))
        .containsExactly(
            "alpha-parent", "alpha-child-1", "alpha-child-2", "alpha-nan", "alpha-tie-a", "alpha-tie-b",
            "alpha-step", "alpha-base", "alpha-empty", "Alpha-Upper", "alpha-running");
    assertThat(search1(null, "metrics.acc DESC", "metrics.acc ASC"))
        .containsExactly(
            "Alpha-Upper", "alpha-tie-a", "alpha-step", "alpha-nan", "alpha-child-1", "alpha-base",
            "alpha-tie-b", "alpha-parent", "alpha-running", "alpha-child-2", "alpha-empty");
  }

  @Test
  void orderByQuotedKeys() {
    assertThat(search1(null, "tags.`release stage` ASC").get(0)).isEqualTo("alpha-tie-a");
    assertThat(search1(null, "`params`.\"opt.name\" desc")).startsWith("alpha-tie-a", "alpha-base");
    assertThat(search1(null, "attr.start_time")).isEqualTo(
        List.of("alpha-empty", "alpha-base", "alpha-step", "alpha-tie-a", "alpha-tie-b", "alpha-running",
            "alpha-nan", "alpha-parent", "alpha-child-1", "alpha-child-2", "Alpha-Upper"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "metrics.acc DESC DESC|Could not be parsed",
        "metrics.acc, params.x|Could not be parsed",
        "' metrics.acc'|Could not be parsed",
        "metrics.acc NULLS LAST|Could not be parsed",
        "params.\"unclosed|Could not be parsed",
        "metrics.acc UP|Invalid ordering key",
        "datasets.name|Invalid order_by entity type",
        "attributes.`Run name`|Invalid attribute key",
        "Params.x|Invalid entity type",
        "lifecycle_stage|Invalid attribute key",
      })
  void badOrderBy_isRejected(String orderBy, String message) {
    assertThatThrownBy(() -> search1(null, orderBy))
        .isInstanceOf(InvalidFilterException.class)
        .hasMessageContaining(message)
        .hasMessageContaining("clause '" + orderBy + "'");
  }

  @Test
  void emptyOrderByElement_isRejected() {
    assertThatThrownBy(() -> search1(null, "")).isInstanceOf(InvalidFilterException.class)
        .hasMessageContaining("Could not be parsed");
  }

  // ---- experiments, views, pages -----------------------------------------------------------------

  @Test
  void views_unknownAndRepeatedExperiments() {
    assertThat(
            SearchConformanceTest.names(
                RunSearch.search(
                        snap,
                        SearchRequest.builder("1", "2").viewType(ViewType.DELETED_ONLY).build())
                    .runs()))
        .containsExactly("beta-deleted", "alpha-deleted");
    assertThat(search(null, List.of("999"))).isEmpty();
    assertThat(search(null, List.of())).isEmpty();
    assertThat(search(null, List.of("2", "2"))).containsExactly("beta-three", "beta-two", "beta-one");
  }

  @Test
  void pages_carryMlflowTokens_untilTheLastPage() {
    List<List<String>> pages = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    SearchRequest req = SearchRequest.builder("1").maxResults(4).build();
    SearchRequest next = req;
    while (true) {
      RunPage page = RunSearch.search(snap, next);
      pages.add(SearchConformanceTest.names(page.runs()));
      if (page.nextPageToken() == null) {
        break;
      }
      tokens.add(page.nextPageToken());
      next = req.withPageToken(page.nextPageToken());
    }
    assertThat(pages)
        .containsExactly(ALL_ACTIVE_EXP1.subList(0, 4), ALL_ACTIVE_EXP1.subList(4, 8), ALL_ACTIVE_EXP1.subList(8, 11));
    assertThat(tokens).containsExactly(token("{\"offset\": 4}"), token("{\"offset\": 8}"));
    RunPage past = RunSearch.search(snap, req.withPageToken(token("{\"offset\": 100}")));
    assertThat(past.runs()).isEmpty();
    assertThat(past.nextPageToken()).isNull();
  }

  static String token(String json) {
    return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource({"0", "-1", "50001"})
  void maxResults_outside1To50000_isRejected(int max) {
    assertThatThrownBy(() -> RunSearch.search(snap, SearchRequest.builder("1").maxResults(max).build()))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("max_results")
        .satisfies(e -> assertThat(((InvalidParameterException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
  }

  @Test
  void maxResults_50000_isAllowed_andBadTokensAreRejected() {
    assertThat(RunSearch.search(snap, SearchRequest.builder("1").maxResults(50_000).build()).runs()).hasSize(11);
    for (String bad : List.of("xyz", token("{\"offset\": 0}"), token("{}"), token("[1]"), "!!!!")) {
      assertThatThrownBy(() -> RunSearch.search(snap, SearchRequest.builder("1").pageToken(bad).build()))
          .isInstanceOf(InvalidParameterException.class)
          .hasMessageContaining("Invalid page token");
    }
  }

  @Test
  void everyPartOfTheRequest_isCheckedBeforeAnyRunIsRead() {
    // no run has acc > 100, yet the bad second clause is reported (FileStore would return [])
    assertThatThrownBy(() -> search1("metrics.acc > 100 AND params.x > '1'"))
        .isInstanceOf(InvalidFilterException.class)
        .hasMessageContaining("Invalid comparator '>'")
        .satisfies(e -> assertThat(((InvalidFilterException) e).position()).isEqualTo(22));
    assertThatThrownBy(() -> search(null, List.of("999"), "bad.key")).isInstanceOf(InvalidFilterException.class);
  }
}
