package io.tracklog.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tracklog.Run;
import io.tracklog.Store;
import io.tracklog.server.ServerOptions;
import io.tracklog.server.TrackingServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs table of a generated 100,000-run experiment in a real browser (issue #14): the total,
 * a sort by a metric, a filter, and more rows loaded from the server as the table scrolls. What the
 * page shows is compared with the store's own search.
 */
class LargeStoreUiTest {
  static final int RUNS = 100_000;

  @RegisterExtension static final Browser browser = new Browser();

  @TempDir static Path root;
  static String experimentId;
  static Store store;
  static TrackingServer server;
  static StoreAnswers answers;
  static Ui ui;

  @BeforeAll
  static void serveALargeStore() {
    long t0 = System.nanoTime();
    experimentId = LargeStore.write(root, RUNS);
    System.out.printf("LargeStoreUiTest: %,d runs written and compacted in %d ms%n", RUNS, (System.nanoTime() - t0) / 1_000_000);
    store = Store.open(root, LargeStore.options());
    server = TrackingServer.start(store, ServerOptions.defaults().withPort(0).withUi(true).withReadOnly(true));
    answers = new StoreAnswers(store);
    ui = new Ui(browser.driver(), server.uri());
  }

  @AfterAll
  static void stop() {
    Fixtures.closeAll(answers, server, store);
  }

  List<String> experiment() {
    return List.of(experimentId);
  }

  @Test
  void runsView_showsTheTotal_andTheFirstPageInTheDefaultOrder() {
    ui.open("/runs?e=" + experimentId, "runs");
    int total = answers.activeRunCount(experimentId);
    assertThat(total).as("runs in the store").isEqualTo(RUNS);
    assertThat(Ui.numbers(ui.find("runs-total").getText())).as("runs-total").contains((long) total);
    List<String> shown = ui.runIds();
    assertThat(shown).as("a first page, not every run").isNotEmpty().hasSizeLessThanOrEqualTo(1000);
    assertThat(shown).as("the store's default order, start time descending")
        .containsExactlyElementsOf(StoreAnswers.ids(answers.search(experiment(), null, null, shown.size())));
  }

  @Test
  void sortByAMetric_showsTheStoresTopRuns() {
    String col = "metrics.accuracy";
    ui.open("/runs?e=" + experimentId + "&cols=" + col + ",params.optimizer", "runs");
    String dir = ui.sortBy(col);
    List<Ui.Cell> cells = ui.column(col);
    List<Run> expected = answers.search(experiment(), null, col + " " + dir.toUpperCase(java.util.Locale.ROOT), cells.size());
    assertThat(cells).extracting(Ui.Cell::runId).as("rows sorted by " + col + " " + dir)
        .containsExactlyElementsOf(StoreAnswers.ids(expected));
    for (int i = 0; i < cells.size(); i++) {
      assertThat(cells.get(i).number()).as("accuracy of %s", cells.get(i).runId())
          .isCloseTo(expected.get(i).metric("accuracy"), within(1e-3));
    }
  }

  @Test
  void filter_countsAndShowsOnlyMatchingRuns() {
    String filter = "metrics.accuracy > 0.99 AND params.optimizer = 'adam'";
    ui.open("/runs?e=" + experimentId + "&cols=metrics.accuracy,params.optimizer", "runs");
    ui.reloadAfter("runs", () -> Ui.typeAndEnter(ui.find("run-filter"), filter));
    long count = answers.count(experiment(), filter);
    assertThat(count).as("test data: a selective filter").isBetween(1L, RUNS / 10L);
    assertThat(Ui.numbers(ui.find("runs-total").getText())).as("runs-total").contains(count);
    List<Ui.Cell> cells = ui.column("metrics.accuracy");
    assertThat(cells).as("rows shown").isNotEmpty();
    assertThat(cells).extracting(Ui.Cell::runId).as("the store's first matching runs")
        .containsExactlyElementsOf(StoreAnswers.ids(answers.search(experiment(), filter, null, cells.size())));
    for (Ui.Cell cell : cells) {
      Run run = store.getRun(cell.runId());
      assertThat(run.metric("accuracy")).isGreaterThan(0.99);
      assertThat(run.params()).containsEntry("optimizer", "adam");
    }
  }

  @Test
  void scrollingDown_loadsTheNextRunsFromTheServer() {
    String orderBy = "metrics.loss ASC";
    ui.open("/runs?e=" + experimentId + "&cols=metrics.loss&order=metrics.loss%20ASC", "runs");
    List<String> first = ui.runIds();
    Set<String> firstSet = new HashSet<>(first);
    assertThat(first).as("a first page").isNotEmpty().hasSizeLessThan(RUNS);
    ui.await().withMessage("rows past the first " + first.size() + " after scrolling to the bottom of the table")
        .until(d -> {
          ui.js().executeScript(
              "const rows = document.querySelectorAll('[data-testid=\"run-row\"]');"
                  + "if (rows.length) rows[rows.length - 1].scrollIntoView({block: 'end'});"
                  + "window.scrollTo(0, document.body.scrollHeight);");
          return ui.runIds().stream().anyMatch(id -> !firstSet.contains(id));
        });
    List<String> now = ui.runIds();
    List<String> expected = StoreAnswers.ids(answers.search(experiment(), null, orderBy, 5000));
    int from = expected.indexOf(now.get(0));
    assertThat(from).as("the first row shown is among the store's first runs").isGreaterThanOrEqualTo(0);
    assertThat(now).as("the rows shown are a run of the store's order from row " + from)
        .containsExactlyElementsOf(new ArrayList<>(expected.subList(from, Math.min(expected.size(), from + now.size()))));
    assertThat(from + now.size()).as("rows loaded past the first page").isGreaterThan(first.size());
  }
}
