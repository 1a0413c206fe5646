package io.tracklog.reader.search;

import static io.tracklog.testing.SearchSample.strings;
import static io.tracklog.testing.SearchSample.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracklog.Experiment;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.error.ErrorCode;
import io.tracklog.error.HasErrorCode;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.ViewType;
import io.tracklog.testing.SearchSample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of {@code conformance/search-sample.json} (runs, experiments, metric history, errors,
 * pages), against a store loaded as the sample's "loading" convention says: once with every run
 * answered from its log, once after compaction. Where the sample marks a case ambiguous, {@link
 * SearchSample#CHOICES} says which store's answer Tracklog gives (docs/SEARCH.md says why).
 */
class SearchConformanceTest {
  @TempDir static Path dir;
  static JsonNode sample;
  static StoreReader liveReader;
  static StoreReader compactedReader;
  static Map<String, String> runIds;

  @BeforeAll
  static void load() {
    sample = SearchSample.sample();
    runIds = SearchSample.load(sample, dir.resolve("live"), false);
    SearchSample.load(sample, dir.resolve("compacted"), true);
    liveReader = StoreReader.open(dir.resolve("live"));
    compactedReader = StoreReader.open(dir.resolve("compacted"));
  }

  @AfterAll
  static void close() {
    liveReader.close();
    compactedReader.close();
  }

  @Test
  void everyAmbiguousCase_hasARecordedChoice() {
    List<String> ambiguous = new ArrayList<>();
    for (String section : List.of("cases", "experiment_cases", "metric_history_cases")) {
      for (JsonNode c : sample.get(section)) {
        if (c.path("ambiguous").asBoolean(false)) {
          ambiguous.add(c.get("id").asText());
        }
      }
    }
    assertThat(SearchSample.CHOICES.keySet()).containsExactlyInAnyOrderElementsOf(ambiguous);
  }

  @TestFactory
  Stream<DynamicTest> runCases() {
    return cases("cases", this::checkRunCase);
  }

  @TestFactory
  Stream<DynamicTest> experimentCases() {
    return cases("experiment_cases", this::checkExperimentCase);
  }

  @TestFactory
  Stream<DynamicTest> metricHistoryCases() {
    return cases("metric_history_cases", this::checkHistoryCase);
  }

  interface Check {
    void run(Snapshot snap, JsonNode c);
  }

  private Stream<DynamicTest> cases(String section, Check check) {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : sample.get(section)) {
      for (String mode : List.of("live", "compacted")) {
        tests.add(
            DynamicTest.dynamicTest(
                c.get("id").asText() + " [" + mode + "]",
                () -> check.run((mode.equals("live") ? liveReader : compactedReader).snapshot(), c)));
      }
    }
    return tests.stream();
  }

  private static boolean sql(JsonNode c) {
    return SearchSample.usesSqlStoreAnswer(c);
  }

  private void checkRunCase(Snapshot snap, JsonNode c) {
    SearchRequest.Builder b =
        SearchRequest.builder(strings(c.get("experiments")))
            .filter(text(c.get("filter")))
            .orderBy(strings(c.get("order_by")))
            .maxResults(c.get("max_results").asInt())
            .viewType(ViewType.valueOf(c.get("view").asText()));
    if (c.has("page_token")) {
      b.pageToken(c.get("page_token").asText());
    }
    SearchRequest req = b.build();
    boolean sql = sql(c);
    JsonNode error = sql && c.has("sql_store_error") ? c.get("sql_store_error") : null;
    if (error != null || (!sql && c.path("expect_error").asBoolean(false))) {
      String code = error != null ? error.get("error_code").asText() : c.get("error_code").asText();
      var thrown = assertThatThrownBy(() -> RunSearch.search(snap, req));
      thrown.isInstanceOf(InvalidParameterException.class);
      thrown.satisfies(e -> assertThat(((HasErrorCode) e).errorCode()).isEqualTo(ErrorCode.valueOf(code)));
      if (c.has("message_contains")) {
        thrown.hasMessageContaining(c.get("message_contains").asText());
      }
      return;
    }
    if (c.has("pages")) {
      List<List<String>> pages = new ArrayList<>();
      SearchRequest next = req;
      while (true) {
        RunPage page = RunSearch.search(snap, next);
        pages.add(names(page.runs()));
        if (page.nextPageToken() == null) {
          break;
        }
        next = req.withPageToken(page.nextPageToken());
      }
      List<List<String>> expected = new ArrayList<>();
      c.get(sql && c.has("sql_store_pages") ? "sql_store_pages" : "pages").forEach(p -> expected.add(strings(p)));
      assertThat(pages).isEqualTo(expected);
      return;
    }
    RunPage page = RunSearch.search(snap, req);
    List<String> expected = strings(c.get(sql && c.has("expect_sql_store") ? "expect_sql_store" : "expect"));
    assertThat(names(page.runs())).isEqualTo(expected);
    if (!sql && c.has("next_page_token")) {
      assertThat(page.nextPageToken() != null).isEqualTo(c.get("next_page_token").asBoolean());
    }
  }

  private void checkExperimentCase(Snapshot snap, JsonNode c) {
    ExperimentSearchRequest req =
        ExperimentSearchRequest.builder()
            .filter(text(c.get("filter")))
            .orderBy(strings(c.get("order_by")))
            .maxResults(c.get("max_results").asInt())
            .viewType(ViewType.valueOf(c.get("view").asText()))
            .build();
    if (c.path("expect_error").asBoolean(false)) {
      var thrown = assertThatThrownBy(() -> ExperimentSearch.search(snap, req));
      thrown.isInstanceOf(InvalidParameterException.class);
      thrown.satisfies(
          e -> assertThat(((HasErrorCode) e).errorCode()).isEqualTo(ErrorCode.valueOf(c.get("error_code").asText())));
      thrown.hasMessageContaining(c.get("message_contains").asText());
      return;
    }
    ExperimentPage page = ExperimentSearch.search(snap, req);
    assertThat(page.experiments().stream().map(Experiment::name).toList()).isEqualTo(strings(c.get("expect")));
  }

  private void checkHistoryCase(Snapshot snap, JsonNode c) {
    List<Metric> history = snap.metricHistory(runIds.get(c.get("run").asText()), c.get("metric_key").asText());
    List<List<Object>> actual = new ArrayList<>();
    for (Metric m : history) {
      actual.add(List.of(m.value(), m.timestampMs(), m.step()));
    }
    List<List<Object>> expected = new ArrayList<>();
    for (JsonNode p : c.get(sql(c) ? "expect_sql_store" : "expect")) {
      expected.add(List.of(SearchSample.value(p.get(0)), p.get(1).asLong(), p.get(2).asLong()));
    }
    assertThat(actual).isEqualTo(expected);
  }

  static List<String> names(List<Run> runs) {
    return runs.stream().map(r -> r.info().runName()).toList();
  }
}
