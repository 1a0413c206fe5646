package io.tracklog.cli.ui;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The UI as the tests see it: hash routes to open, {@code data-testid}s to find (docs/UI.md, "Views
 * (hash routes) and data-testids"), and waits that end when a view says it is ready
 * ({@code data-ready="true"}). Every wait is a {@link WebDriverWait} on a condition; nothing sleeps.
 */
final class Ui {
  private static final Pattern NUMBER = Pattern.compile("\\d[\\d,\u00a0\u202f ]*\\d|\\d");

  /**
   * Counts the moments a view root ({@code [data-testid=view]}) becomes ready, so that a wait after an
   * action that reloads a view does not take the ready flag of the data shown before for the new one.
   */
  private static final String READY_COUNTER =
      "if (window.__tracklogReady === undefined) {"
          + "  window.__tracklogReady = 0;"
          + "  const isReadyView = n => n.nodeType === 1 && n.matches('[data-testid=\"view\"][data-ready=\"true\"]');"
          + "  new MutationObserver(records => {"
          + "    for (const r of records) {"
          + "      if (r.type === 'attributes') {"
          + "        if (isReadyView(r.target)) window.__tracklogReady++;"
          + "      } else {"
          + "        for (const n of r.addedNodes) {"
          + "          if (n.nodeType === 1 && (isReadyView(n)"
          + "              || n.querySelector('[data-testid=\"view\"][data-ready=\"true\"]'))) window.__tracklogReady++;"
          + "        }"
          + "      }"
          + "    }"
          + "  }).observe(document.documentElement,"
          + "      {subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready']});"
          + "}"
          + "return window.__tracklogReady;";

  /** [run id, parent run id, cell text, cell title] of every run row, for one column. */
  private static final String COLUMN =
      "const col = arguments[0];"
          + "const sel = '[data-col=\"' + CSS.escape(col) + '\"]';"
          + "const th = document.querySelector('[data-testid=\"col-header\"]' + sel);"
          + "const index = el => el.cellIndex !== undefined ? el.cellIndex : Array.from(el.parentElement.children).indexOf(el);"
          + "const i = th ? index(th) : -1;"
          + "return Array.from(document.querySelectorAll('[data-testid=\"run-row\"]')).map(r => {"
          + "  let c = r.querySelector(sel);"
          + "  if (!c && i >= 0) c = (r.cells || r.children)[i];"
          + "  return [r.getAttribute('data-run-id'), r.getAttribute('data-parent-run-id'),"
          + "          c ? c.innerText.trim() : null, c ? c.getAttribute('title') : null];"
          + "});";

  private final WebDriver driver;
  private final URI base;

  Ui(WebDriver driver, URI base) {
    this.driver = driver;
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
  }

  WebDriver driver() {
    return driver;
  }

  URI base() {
    return base;
  }

  /** A wait of {@link Browser#TIMEOUT}, polling every 100 ms, that retries a condition whose element was replaced by a re-render meanwhile. */
  WebDriverWait await() {
    WebDriverWait wait = new WebDriverWait(driver, Browser.TIMEOUT, Duration.ofMillis(100));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  static By testId(String id) {
    return By.cssSelector("[data-testid=\"" + id + "\"]");
  }

  static By testId(String id, String attribute, String value) {
    return By.cssSelector("[data-testid=\"" + id + "\"][" + attribute + "=\"" + value + "\"]");
  }

  static By view(String name) {
    return testId("view", "data-view", name);
  }

  static By readyView(String name) {
    return By.cssSelector("[data-testid=\"view\"][data-view=\"" + name + "\"][data-ready=\"true\"]");
  }

  /**
   * Loads the page afresh at the hash route {@code route} (starting with {@code /}) and waits until
   * the view {@code view} is ready; returns its root element.
   */
  WebElement open(String route, String view) {
    driver.get("about:blank");
    driver.get(base + "#" + route);
    return awaitReady(view);
  }

  /** Waits until the view {@code view} is shown and ready; returns its root element. */
  WebElement awaitReady(String view) {
    return await()
        .withMessage("view '" + view + "' to be ready (data-ready=\"true\") at " + driver.getCurrentUrl())
        .until(ExpectedConditions.presenceOfElementLocated(readyView(view)));
  }

  /**
   * Does {@code action}, which makes the UI load data again, and waits until the view {@code view}
   * has become ready after it (not merely is still ready from before).
   */
  WebElement reloadAfter(String view, Runnable action) {
    long before = readyCount();
    action.run();
    await()
        .withMessage("view '" + view + "' to load again and be ready at " + driver.getCurrentUrl())
        .until(d -> {
          Object count = js().executeScript("return window.__tracklogReady === undefined ? -1 : window.__tracklogReady;");
          long now = ((Number) count).longValue();
          return (now == -1 || now > before) && !d.findElements(readyView(view)).isEmpty();
        });
    return driver.findElement(readyView(view));
  }

  private long readyCount() {
    return ((Number) js().executeScript(READY_COUNTER)).longValue();
  }

  JavascriptExecutor js() {
    return (JavascriptExecutor) driver;
  }

  WebElement find(String testId) {
    return driver.findElement(testId(testId));
  }

  List<WebElement> findAll(String testId) {
    return driver.findElements(testId(testId));
  }

  boolean present(String testId) {
    return !driver.findElements(testId(testId)).isEmpty();
  }

  /** Waits until an element with {@code testId} is displayed; returns it. */
  WebElement awaitVisible(String testId) {
    return await()
        .withMessage("[data-testid=" + testId + "] to be displayed at " + driver.getCurrentUrl())
        .until(ExpectedConditions.visibilityOfElementLocated(testId(testId)));
  }

  /** Replaces an input's text and presses Enter. */
  static void typeAndEnter(WebElement input, String text) {
    replaceText(input, text, Keys.ENTER);
  }

  /**
   * Replaces a field's text as a person does (select all, type over it), then presses {@code then}.
   * Not {@link WebElement#clear()}: it fires a change event, which saves an empty value in a field
   * that saves on change.
   */
  static void replaceText(WebElement field, String text, Keys then) {
    field.click();
    field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    field.sendKeys(text, then);
  }

  /**
   * Clicks the runs table's header of column {@code col}, waits for the table to load again with a
   * new sort direction on that header, and returns it ({@code asc} or {@code desc}).
   */
  String sortBy(String col) {
    By header = testId("col-header", "data-col", col);
    String before = driver.findElement(header).getAttribute("data-sort");
    reloadAfter("runs", () -> driver.findElement(header).click());
    return await().withMessage("the header of " + col + " to show a new sort direction (data-sort)")
        .until(d -> {
          String now = d.findElement(header).getAttribute("data-sort");
          return now != null && (now.equals("asc") || now.equals("desc")) && !now.equals(before) ? now : null;
        });
  }

  /** Ticks the run-select checkbox of a run's row (if not yet ticked) and waits until it shows ticked. */
  void selectRun(String runId) {
    By box = By.cssSelector("[data-testid=\"run-row\"][data-run-id=\"" + runId + "\"] [data-testid=\"run-select\"]");
    await().withMessage("run " + runId + " to be selected").until(d -> {
      WebElement cb = d.findElement(box);
      if (!cb.isSelected()) {
        cb.click();
      }
      return d.findElement(box).isSelected();
    });
  }

  /** One run row as the table shows it, for one column. */
  record Cell(String runId, String parentRunId, String text, String title) {
    /** The number shown (the title's exact value if it has one), or null if the cell shows none. */
    Double number() {
      Double exact = parse(title);
      return exact != null ? exact : parse(text);
    }
  }

  /** Every run row, in page order, with its cell of column {@code col} (null text if it has none). */
  List<Cell> column(String col) {
    List<?> rows = (List<?>) js().executeScript(COLUMN, col);
    List<Cell> out = new ArrayList<>();
    for (Object o : rows) {
      List<?> r = (List<?>) o;
      out.add(new Cell((String) r.get(0), (String) r.get(1), (String) r.get(2), (String) r.get(3)));
    }
    return out;
  }

  /** The run ids of the run rows, in page order. */
  List<String> runIds() {
    return column("attributes.run_name").stream().map(Cell::runId).toList();
  }

  /** A number as the UI may write it (1,234.5; 0.91; 1e-3), or null. */
  static Double parse(String s) {
    if (s == null) {
      return null;
    }
    String t = s.replace(",", "").replace("\u00a0", "").replace("\u202f", "").replace("\u2212", "-").trim();
    if (t.isEmpty()) {
      return null;
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The whole numbers written in {@code text}, thousands separators removed ("100,000 runs" → 100000). */
  static List<Long> numbers(String text) {
    List<Long> out = new ArrayList<>();
    Matcher m = NUMBER.matcher(text);
    while (m.find()) {
      String digits = m.group().replaceAll("[^0-9]", "");
      if (digits.length() < 19) {
        out.add(Long.parseLong(digits));
      }
    }
    return out;
  }

  /** The query parameters of the current hash route ({@code #/runs?e=1&order=...}), decoded. */
  Map<String, String> hashParams() {
    String url = driver.getCurrentUrl();
    Map<String, String> out = new LinkedHashMap<>();
    int hash = url.indexOf('#');
    int q = hash < 0 ? -1 : url.indexOf('?', hash);
    if (q < 0) {
      return out;
    }
    for (String pair : url.substring(q + 1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** The path of the current hash route ({@code /run/abc} of {@code #/run/abc?tab=artifacts}). */
  String hashPath() {
    String url = driver.getCurrentUrl();
    int hash = url.indexOf('#');
    if (hash < 0) {
      return "";
    }
    String route = url.substring(hash + 1);
    int q = route.indexOf('?');
    return q < 0 ? route : route.substring(0, q);
  }
}
