package io.tracklog.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Store;
import io.tracklog.samples.TrainingCurves;
import io.tracklog.server.ServerOptions;
import io.tracklog.server.TrackingServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Charts and the compare view of the demo store in a real browser (issue #14): curves overlaid from
 * the runs table (the top 5 of a sort, or the selected runs), every logged point drawn, exact values
 * on hover, and the params that differ flagged. Every expectation is asked of the store's own API.
 */
class DemoChartAndCompareUiTest {
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
    // Only the params that differ, on demand.
    ui.find("compare-only-diff").click();
    ui.await().withMessage("only the differing params shown").until(d -> {
      List<String> shownKeys = new ArrayList<>();
      for (WebElement row : ui.findAll("compare-param-row")) {
        if (row.isDisplayed()) {
          shownKeys.add(row.getAttribute("data-key"));
        }
      }
      Set<String> differing = new HashSet<>();
      expected.forEach((k, differs) -> {
        if (differs) {
          differing.add(k);
        }
      });
      return shownKeys.size() == differing.size() && differing.containsAll(shownKeys);
    });
    for (String plot : List.of("parallel-plot", "scatter-plot")) {
      ui.await().withMessage(plot + " to be drawn (data-ready=\"true\")")
          .until(d -> !d.findElements(By.cssSelector("[data-testid=\"" + plot + "\"][data-ready=\"true\"]")).isEmpty());
    }
  }
}
