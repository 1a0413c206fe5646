package io.tracklog.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tracklog.Experiment;
import io.tracklog.Run;
import io.tracklog.Store;
import io.tracklog.reader.ViewType;
import io.tracklog.reader.search.ExperimentSearch;
import io.tracklog.reader.search.ExperimentSearchRequest;
import io.tracklog.samples.TrainingCurves;
import io.tracklog.server.ServerOptions;
import io.tracklog.server.TrackingServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The experiments list and the runs table of the demo store in a real browser (issue #14, "Tested in
 * a real browser"), on a read-only server: every expectation is asked of the store's own API.
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

  // ---- chart and compare ---------------------------------------------------------------------

  @Test
  void chartButton_overlaysTheTopFiveOfTheSort() {
    String orderBy = "metrics.accuracy DESC";
    ui.open("/runs?e=" + gridId() + "&cols=metrics.accuracy&order=metrics.accuracy%20DESC", "runs");
    ui.find("chart-button").click();
    WebElement chart = awaitChart();
    assertThat(chart.getAttribute("data-series-count")).isEqualTo("5");
    List<String> top5 = StoreAnswers.ids(answers.search(List.of(gridId()), null, orderBy, 5));
    assertThat(Arrays.asList(ui.hashParams().getOrDefault("runs", "").split(","))).as("runs in the chart's URL")
        .containsExactlyInAnyOrderElementsOf(top5);
    assertPointsDrawn(chart, top5);
  }

  @Test
  void chartOfSelectedRuns_drawsTheirWholeCurves() {
    TrainingCurves.Result curves = demo.trainingCurves();
    ui.open("/runs?e=" + curves.experimentId(), "runs");
    for (String runId : curves.runIds()) {
      ui.selectRun(runId);
    }
    ui.find("chart-button").click();
    WebElement chart = awaitChart();
    assertThat(chart.getAttribute("data-series-count")).isEqualTo(Integer.toString(curves.runIds().size()));
    assertThat(Arrays.asList(ui.hashParams().getOrDefault("runs", "").split(",")))
        .containsExactlyInAnyOrderElementsOf(curves.runIds());
    assertPointsDrawn(chart, curves.runIds());

    // Another metric from the chart's own select: the URL follows, and every point of the new curves is drawn.
    String other = "val_loss";
    assertThat(ui.hashParams().get("key")).as("test data: the chart did not start on " + other).isNotEqualTo(other);
    ui.reloadAfter("chart", () -> new Select(ui.find("chart-metric")).selectByValue(other));
    chart = awaitChart();
    assertThat(ui.hashParams()).containsEntry("key", other);
    assertThat(chart.getAttribute("data-series-count")).isEqualTo(Integer.toString(curves.runIds().size()));
    assertPointsDrawn(chart, curves.runIds());
  }

  @Test
  void chartHover_showsEachRunsLoggedValueAtThatStep() {
    TrainingCurves.Result curves = demo.trainingCurves();
    String key = "val_loss";
    ui.open("/chart?runs=" + String.join(",", curves.runIds()) + "&key=" + key + "&x=step", "chart");
    WebElement chart = awaitChart();
    new Actions(ui.driver()).moveToElement(chart, chart.getSize().getWidth() / 10, 0).perform();
    String tip = ui.await().withMessage("a tooltip inside the chart after hovering it")
        .until(d -> {
          Object text = ui.js().executeScript(
              "const tips = Array.from(arguments[0].querySelectorAll('div'))"
                  + ".filter(e => e.offsetParent !== null && e.children.length && /step\\s*\\d/i.test(e.innerText));"
                  + "return tips.length ? tips[tips.length - 1].innerText : null;", chart);
          return text instanceof String t && !t.isBlank() ? t : null;
        });
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)step\\s*(\\d+)").matcher(tip);
    assertThat(m.find()).as("the hovered step in: " + tip).isTrue();
    long step = Long.parseLong(m.group(1));
    for (String runId : curves.runIds()) {
      assertThat(tip).as("the tooltip names run " + runId).contains(store.getRun(runId).info().runName());
      double value = answers.snapshot().metricHistory(runId, key).stream().filter(p -> p.step() == step)
          .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no " + key + " at step " + step)).value();
      String digits = java.math.BigDecimal.valueOf(value).setScale(6, java.math.RoundingMode.DOWN).stripTrailingZeros().toPlainString();
      assertThat(tip).as("the logged %s of %s at step %d, %s", key, runId, step, value).contains(digits);
    }
  }

  /** Waits for the chart to be drawn: data-series-count set (and data-ready, where the chart has one, "true"). */
  private static WebElement awaitChart() {
    ui.awaitReady("chart");
    return ui.await().withMessage("the chart to be drawn (data-series-count)")
        .until(d -> {
          List<WebElement> charts = d.findElements(Ui.testId("chart"));
          if (charts.isEmpty() || charts.get(0).getAttribute("data-series-count") == null) {
            return null;
          }
          String ready = charts.get(0).getAttribute("data-ready");
          return ready == null || ready.equals("true") ? charts.get(0) : null;
        });
  }

  /** data-points is the number of points the runs logged for the chart's metric (none downsampled here). */
  private static void assertPointsDrawn(WebElement chart, List<String> runIds) {
    String key = ui.hashParams().get("key");
    assertThat(key).as("the chart's metric in the URL").isNotBlank();
    long points = 0;
    for (String runId : runIds) {
      points += answers.snapshot().metricHistory(runId, key).size();
    }
    assertThat(points).as("test data: the runs logged " + key).isPositive();
    assertThat(chart.getAttribute("data-points")).as("points drawn of " + key).isEqualTo(Long.toString(points));
  }

  @Test
  void compare_flagsExactlyTheParamsThatDiffer() {
    List<String> chosen = new ArrayList<>();
    for (String runId : demo.gridSearch().runIds()) {
      if (store.getRun(runId).params().get("max_depth").equals("4")) {
        chosen.add(runId); // same max_depth, different n_estimators
      }
    }
    assertThat(chosen).as("test data").hasSizeGreaterThan(1);
    ui.open("/runs?e=" + gridId(), "runs");
    for (String runId : chosen) {
      ui.selectRun(runId);
    }
    ui.find("compare-button").click();
    ui.awaitReady("compare");
    assertThat(Arrays.asList(ui.hashParams().getOrDefault("runs", "").split(","))).containsExactlyInAnyOrderElementsOf(chosen);

    Map<String, Boolean> expected = new LinkedHashMap<>();
    Set<String> keys = new TreeSet<>();
    List<Map<String, String>> params = chosen.stream().map(id -> store.getRun(id).params()).toList();
    params.forEach(p -> keys.addAll(p.keySet()));
    for (String key : keys) {
      expected.put(key, new LinkedHashSet<>(params.stream().map(p -> Objects.toString(p.get(key))).toList()).size() > 1);
    }
    assertThat(expected).as("test data: some params differ, some do not").containsValue(true).containsValue(false);
    Map<String, Boolean> shown = new LinkedHashMap<>();
    for (WebElement row : ui.findAll("compare-param-row")) {
      shown.put(row.getAttribute("data-key"), Boolean.parseBoolean(row.getAttribute("data-differs")));
    }
    assertThat(shown).as("compare-param-row data-differs by data-key").isEqualTo(expected);
    List<Boolean> flags = new ArrayList<>(shown.values());
    assertThat(flags.subList(flags.indexOf(false), flags.size())).as("the differing params listed first: " + shown)
        .doesNotContain(true);
    for (String plot : List.of("parallel-plot", "scatter-plot")) {
      ui.await().withMessage(plot + " to be drawn (data-ready=\"true\")")
          .until(d -> !d.findElements(By.cssSelector("[data-testid=\"" + plot + "\"][data-ready=\"true\"]")).isEmpty());
    }
  }

  /** The runs table of the grid search with its metrics, best first: the README's screenshot (docs/ui-runs.png). */
  @Test
  void gridSearchRunsTable_sortedByAccuracy() {
    ui.open("/runs?e=" + gridId() + "&cols=params.max_depth,params.n_estimators,metrics.accuracy,metrics.precision,metrics.recall"
        + "&order=metrics.accuracy%20DESC", "runs");
    assertThat(ui.runIds()).containsExactlyElementsOf(
        StoreAnswers.ids(answers.search(List.of(gridId()), null, "metrics.accuracy DESC", 1000)));
    assertThat(Ui.numbers(ui.find("runs-total").getText())).contains((long) answers.activeRunCount(gridId()));
  }
}
