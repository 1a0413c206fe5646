package io.tracklog.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tracklog.Experiment;
import io.tracklog.Run;
import io.tracklog.Store;
import io.tracklog.reader.ViewType;
import io.tracklog.reader.search.ExperimentSearch;
import io.tracklog.reader.search.ExperimentSearchRequest;
import io.tracklog.server.ServerOptions;
import io.tracklog.server.TrackingServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The experiments list and the runs table of the demo store in a real browser (issue #14, "Tested in
 * a real browser"), on a read-only server: experiments, run counts, sorting, filtering (and a bad
 * filter's error), the column chooser, nested runs. Every expectation is asked of the store's own API.
 */
class DemoRunsUiTest {
  private static final String PARENT_TAG = "mlflow.parentRunId";

  @RegisterExtension static final Browser browser = new Browser();

  @TempDir static Path root;
  static Store store;
  static TrackingServer server;
  static DemoStore demo;
  static StoreAnswers answers;
  static Ui ui;

  @BeforeAll
  static void serveTheDemoStore() {
    store = Store.open(root);
    demo = DemoStore.write(store);
    server = TrackingServer.start(store, ServerOptions.defaults().withPort(0).withUi(true).withReadOnly(true));
    answers = new StoreAnswers(store);
    ui = new Ui(browser.driver(), server.uri());
  }

  @AfterAll
  static void stop() {
    Fixtures.closeAll(answers, server, store);
  }

  static String gridId() {
    return demo.gridSearch().experimentId();
  }

  // ---- experiments ---------------------------------------------------------------------------

  @Test
  void experimentsList_showsEveryExperimentWithItsRunCount() {
    ui.open("/", "experiments");
    List<WebElement> rows = ui.findAll("experiment-row");
    Map<String, WebElement> byId = new LinkedHashMap<>();
    for (WebElement row : rows) {
      byId.put(row.getAttribute("data-experiment-id"), row);
    }
    List<Experiment> experiments = answers.activeExperiments();
    assertThat(byId.keySet())
        .as("experiment rows")
        .containsExactlyInAnyOrderElementsOf(experiments.stream().map(Experiment::experimentId).toList());
    for (Experiment e : experiments) {
      WebElement row = byId.get(e.experimentId());
      assertThat(row.findElement(Ui.testId("experiment-link")).getText()).as("name of experiment " + e.experimentId())
          .isEqualTo(e.name());
      int runs = answers.activeRunCount(e.experimentId());
      assertThat(cellNumbers(row)).as("the cells of %s's row hold its run count %d", e.name(), runs).contains(List.of((long) runs));
    }
  }

  /** The whole numbers of each cell (direct child) of a row. */
  @SuppressWarnings("unchecked")
  private static List<List<Long>> cellNumbers(WebElement row) {
    List<String> texts = (List<String>) ui.js().executeScript(
        "return Array.from(arguments[0].children).map(c => c.innerText);", row);
    return texts.stream().map(Ui::numbers).toList();
  }

  @Test
  void experimentFilter_keepsTheMatchingExperiments_andShowsAnError() {
    ui.open("/", "experiments");
    String filter = "name LIKE '%search%'";
    ui.reloadAfter("experiments", () -> Ui.typeAndEnter(ui.find("experiment-filter"), filter));
    List<String> expected = ExperimentSearch.search(answers.snapshot(),
            ExperimentSearchRequest.builder().filter(filter).viewType(ViewType.ACTIVE_ONLY).build())
        .experiments().stream().map(Experiment::experimentId).toList();
    assertThat(expected).as("test data: the filter keeps some experiments, not all")
        .isNotEmpty().hasSizeLessThan(answers.activeExperiments().size());
    assertThat(ui.findAll("experiment-row")).extracting(r -> r.getAttribute("data-experiment-id"))
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(ui.hashParams()).containsEntry("filter", filter);

    Ui.typeAndEnter(ui.find("experiment-filter"), "name LIKE");
    WebElement error = ui.awaitVisible("experiment-filter-error");
    assertThat(error.getText()).as("the inline error").isNotBlank();
  }

  @Test
  void experimentLink_opensTheRunsOfThatExperiment() {
    ui.open("/", "experiments");
    WebElement row = ui.driver().findElement(Ui.testId("experiment-row", "data-experiment-id", gridId()));
    row.findElement(Ui.testId("experiment-link")).click();
    ui.awaitReady("runs");
    assertThat(ui.hashPath()).isEqualTo("/runs");
    assertThat(ui.hashParams()).containsEntry("e", gridId());
    assertThat(ui.runIds()).containsExactlyInAnyOrderElementsOf(store.runIds(gridId()));
    assertThat(Ui.numbers(ui.find("runs-total").getText())).contains((long) answers.activeRunCount(gridId()));
  }

  @Test
  void severalExperiments_openInOneRunsView() {
    List<String> chosen = List.of(demo.trainingCurves().experimentId(), gridId());
    ui.open("/", "experiments");
    for (String id : chosen) {
      ui.driver().findElement(Ui.testId("experiment-row", "data-experiment-id", id)).findElement(Ui.testId("experiment-select")).click();
    }
    ui.find("open-experiments").click();
    ui.awaitReady("runs");
    assertThat(Arrays.asList(ui.hashParams().getOrDefault("e", "").split(","))).containsExactlyInAnyOrderElementsOf(chosen);
    List<String> expected = new ArrayList<>();
    chosen.forEach(id -> expected.addAll(store.runIds(id)));
    assertThat(ui.runIds()).as("the runs of both experiments").containsExactlyInAnyOrderElementsOf(expected);
    assertThat(Ui.numbers(ui.find("runs-total").getText())).contains(answers.count(chosen, null));
  }

  // ---- runs table ----------------------------------------------------------------------------

  @Test
  void columnChooser_addsAMetricColumn_rememberedInTheUrl() {
    String col = "metrics.precision";
    ui.open("/runs?e=" + gridId() + "&cols=params.max_depth", "runs");
    assertThat(ui.present("col-header") && ui.driver().findElements(Ui.testId("col-header", "data-col", col)).isEmpty())
        .as("no %s column before it is chosen", col).isTrue();
    ui.find("column-chooser").click();
    ui.awaitVisible("column-option");
    WebElement option = ui.driver().findElement(Ui.testId("column-option", "data-col", col));
    List<WebElement> boxes = option.findElements(By.cssSelector("input[type=checkbox]"));
    assertThat(boxes).as("a checkbox in the option").isNotEmpty();
    assertThat(boxes.get(0).isSelected()).as("%s unchecked before", col).isFalse();
    boxes.get(0).click();
    ui.await().withMessage("a column header for " + col)
        .until(d -> !d.findElements(Ui.testId("col-header", "data-col", col)).isEmpty()
            && !d.findElements(Ui.readyView("runs")).isEmpty());
    assertThat(ui.hashParams().getOrDefault("cols", "")).as("cols in the URL").contains(col);
    for (Ui.Cell cell : ui.column(col)) {
      assertThat(cell.number()).as("precision of run %s", cell.runId())
          .isCloseTo(store.getRun(cell.runId()).metric("precision"), within(1e-3));
    }
  }

  @Test
  void sortByAMetric_ordersTheRowsByIt_bothWays() {
    String col = "metrics.accuracy";
    ui.open("/runs?e=" + gridId() + "&cols=" + col + ",params.max_depth", "runs");
    String first = ui.sortBy(col);
    assertSortedAsTheStoreSorts(col, first);
    String second = ui.sortBy(col);
    assertThat(second).as("a second click sorts the other way").isNotEqualTo(first);
    assertSortedAsTheStoreSorts(col, second);
  }

  /** The metric column's values are in order, and the rows are the store's runs in its own order. */
  static void assertSortedAsTheStoreSorts(String col, String dir) {
    List<Ui.Cell> cells = ui.column(col);
    List<Double> shown = cells.stream().map(Ui.Cell::number).toList();
    assertThat(shown).as("%s values shown", col).doesNotContainNull();
    List<Double> sorted = new ArrayList<>(shown);
    sorted.sort(dir.equals("asc") ? Double::compare : (a, b) -> Double.compare(b, a));
    assertThat(shown).as("%s shown %s", col, dir).containsExactlyElementsOf(sorted);
    String orderBy = col + " " + dir.toUpperCase(java.util.Locale.ROOT);
    assertThat(ui.hashParams().getOrDefault("order", "")).as("order in the URL").isEqualToIgnoringCase(orderBy);
    String metric = col.substring("metrics.".length());
    List<Run> expected = answers.search(List.of(gridId()), null, orderBy, cells.size());
    assertThat(cells.stream().map(Ui.Cell::runId).toList()).as("rows in the store's order for " + orderBy)
        .containsExactlyElementsOf(StoreAnswers.ids(expected));
    for (int i = 0; i < cells.size(); i++) {
      assertThat(shown.get(i)).as("%s of %s", col, cells.get(i).runId())
          .isCloseTo(expected.get(i).metric(metric), within(1e-3));
    }
  }

  @Test
  void filterWithAGrammarClause_showsExactlyTheMatchingRuns() {
    String filter = "metrics.accuracy > 0.9";
    ui.open("/runs?e=" + gridId() + "&cols=metrics.accuracy", "runs");
    ui.reloadAfter("runs", () -> Ui.typeAndEnter(ui.find("run-filter"), filter));
    List<String> expected = StoreAnswers.ids(answers.search(List.of(gridId()), filter, null, 1000));
    long count = answers.count(List.of(gridId()), filter);
    assertThat(count).as("test data: the filter keeps some of the grid's runs, not all")
        .isBetween(1L, (long) store.runIds(gridId()).size() - 1);
    assertThat(Ui.numbers(ui.find("runs-total").getText())).as("runs-total").contains(count);
    List<Ui.Cell> cells = ui.column("metrics.accuracy");
    assertThat(cells).extracting(Ui.Cell::runId).containsExactlyInAnyOrderElementsOf(expected);
    for (Ui.Cell cell : cells) {
      assertThat(store.getRun(cell.runId()).metric("accuracy")).as("accuracy of %s in the store", cell.runId()).isGreaterThan(0.9);
      assertThat(cell.number()).as("accuracy of %s shown", cell.runId()).isGreaterThan(0.9 - 1e-3);
    }
    assertThat(ui.hashParams()).containsEntry("filter", filter);
    assertThat(ui.present("run-filter-error") && ui.find("run-filter-error").isDisplayed()).as("an error shown").isFalse();
  }

  @Test
  void filterWithABadClause_showsTheErrorAndItsPosition() {
    String filter = "params.max_depth = '4' AND metrics.accuracy >> 1";
    int position = answers.errorPosition(List.of(gridId()), filter);
    assertThat(position).as("test data: the bad clause is not the first").isPositive();
    ui.open("/runs?e=" + gridId(), "runs");
    Ui.typeAndEnter(ui.find("run-filter"), filter);
    WebElement error = ui.awaitVisible("run-filter-error");
    ui.await().withMessage("the filter error to have a text").until(d -> !error.getText().isBlank());
    String text = error.getText();
    assertThat(text).as("the inline error names the position the store reports, %d", position)
        .containsPattern("(?i)position\\D{0,3}" + position + "(?!\\d)");
  }

  @Test
  void nestedRuns_sitRightAfterTheirParent() {
    String experimentId = demo.nestedRuns().experimentId();
    ui.open("/runs?e=" + experimentId, "runs");
    List<Ui.Cell> rows = ui.column("attributes.run_name");
    List<Run> runs = store.runs(experimentId);
    assertThat(rows).extracting(Ui.Cell::runId).containsExactlyInAnyOrderElementsOf(StoreAnswers.ids(runs));
    Map<String, String> parentOf = new HashMap<>();
    for (Run r : runs) {
      parentOf.put(r.runId(), r.tags().get(PARENT_TAG));
    }
    assertThat(parentOf.values()).as("test data: nested runs").anyMatch(Objects::nonNull);
    List<String> order = rows.stream().map(Ui.Cell::runId).toList();
    for (int i = 0; i < rows.size(); i++) {
      Ui.Cell row = rows.get(i);
      String parent = parentOf.get(row.runId());
      String shownParent = row.parentRunId() == null || row.parentRunId().isEmpty() ? null : row.parentRunId();
      assertThat(shownParent).as("data-parent-run-id of %s", row.runId()).isEqualTo(parent);
      if (parent == null) {
        continue;
      }
      int p = order.indexOf(parent);
      assertThat(p).as("the parent of %s is shown before it", row.runId()).isBetween(0, i - 1);
      for (int j = p + 1; j < i; j++) {
        assertThat(descends(order.get(j), parent, parentOf))
            .as("row %d (%s), between %s and its parent, is one of the parent's descendants", j, order.get(j), row.runId())
            .isTrue();
      }
    }
    assertThat(store.getRun(demo.nestedRuns().parentRunId()).info().runName()).isEqualTo("search");
  }

  private static boolean descends(String runId, String ancestor, Map<String, String> parentOf) {
    Set<String> seen = new HashSet<>();
    for (String p = parentOf.get(runId); p != null && seen.add(p); p = parentOf.get(p)) {
      if (p.equals(ancestor)) {
        return true;
      }
    }
    return false;
  }

  /** The runs table of the grid search with its metrics, best first: the README's screenshot (docs/ui-runs.png). */
  @Test
  void gridSearchRunsTable_sortedByAccuracy() {
    ui.open("/runs?e=" + gridId() + "&cols=params.max_depth,params.n_estimators,metrics.accuracy,metrics.precision"
        + "&order=metrics.accuracy%20DESC", "runs");
    assertThat(ui.runIds()).containsExactlyElementsOf(
        StoreAnswers.ids(answers.search(List.of(gridId()), null, "metrics.accuracy DESC", 1000)));
    assertThat(Ui.numbers(ui.find("runs-total").getText())).contains((long) answers.activeRunCount(gridId()));
  }
}
