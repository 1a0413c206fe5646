package io.tracklog.server;

import io.tracklog.Store;
import io.tracklog.benchmarks.Fixtures;
import io.tracklog.benchmarks.OpenStoreBenchmark;
import io.tracklog.benchmarks.SearchBenchmark;
import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * How long the web UI takes in a real browser (issue #14's "interactive ≤ 1 s", "≤ 1 s to draw"): a
 * main, not JMH, since the clock is the browser's. Each round loads the page afresh (a new
 * navigation) and reads the {@code tracklog:ready:<view>} performance mark the page sets when a
 * view's data is on screen (for the chart: after ECharts drew it): milliseconds from the start of
 * the navigation, server time, transfer, parsing and drawing included. The first of three unmeasured
 * loads, on a server that has read nothing yet, is printed apart.
 *
 * <ul>
 *   <li>{@code runs}: the runs table of one 100 k-run experiment, filtered and sorted by a metric
 *       ({@link SearchBenchmark}'s request), three columns;
 *   <li>{@code chart}: 10 runs × 1 M points of one metric overlaid, in a 1 400-pixel-wide window.
 * </ul>
 *
 * <pre>scripts/bench.sh --main io.tracklog.server.UiPageTiming [rounds]</pre>
 *
 * Needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver).
 */
public final class UiPageTiming {
  private UiPageTiming() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    String runsHash = "#/runs?e=1&filter=" + enc(SearchBenchmark.FILTER) + "&order=" + enc(SearchBenchmark.ORDER)
        + "&cols=" + enc("metrics.metric_0,metrics.metric_2,params.param_1");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < UiBenchmark.CHART_RUNS; i++) {
      ids.add(UiBenchmark.chartRunId(i));
    }
    String chartHash = "#/chart?runs=" + String.join(",", ids) + "&key=loss&x=step";
    time("runs (100 k-run experiment, filtered, sorted by a metric)", OpenStoreBenchmark.ensureFixture(100_000, 1), runsHash, "runs", rounds);
    time("chart (10 runs x 1 M points)", UiBenchmark.ensureChartFixture(), chartHash, "chart", rounds);
  }

  private static void time(String what, Path fixture, String hash, String view, int rounds) {
    Path root = Fixtures.tempDir("tracklog-bench-ui-page-");
    Fixtures.copyTree(fixture, root);
    Path profile = Fixtures.tempDir("tracklog-bench-chromium-");
    try (Store store = Store.open(root, ServerBenchmark.options());
        TrackingServer server = TrackingServer.start(store, ServerOptions.defaults().withPort(0).withUi(true).withReadOnly(true))) {
      ChromeDriver driver = chromium(profile);
      try {
        String url = server.uri() + "/" + hash;
        double[] ms = new double[rounds];
        double cold = 0;
        for (int r = -3; r < rounds; r++) { // 3 unmeasured loads warm the server's JIT and caches
          driver.get("about:blank");
          driver.get(url);
          new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(20))
              .until(d -> !d.findElements(By.cssSelector("[data-view='" + view + "'][data-ready='true']")).isEmpty());
          Object mark = ((JavascriptExecutor) driver).executeScript(
              "const m = performance.getEntriesByName(arguments[0]); return m.length ? m[m.length - 1].startTime : null;",
              "tracklog:ready:" + view);
          if (mark == null) {
            throw new IllegalStateException("The page set no performance mark tracklog:ready:" + view);
          }
          if (r >= 0) {
            ms[r] = ((Number) mark).doubleValue();
          } else if (r == -3) {
            cold = ((Number) mark).doubleValue(); // the server's first request for these runs
          }
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%s: median %.0f ms, min %.0f, max %.0f over %d loads (first load on a fresh server %.0f ms); each: %s%n",
            what, sorted[rounds / 2], sorted[0], sorted[rounds - 1], rounds, cold,
            Arrays.toString(Arrays.stream(ms).mapToLong(Math::round).toArray()));
      } finally {
        driver.quit();
      }
    } finally {
      Fixtures.deleteTree(root);
      Fixtures.deleteTree(profile);
    }
  }

  private static ChromeDriver chromium(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--window-size=1400,900", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
    return new ChromeDriver(service, options);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
