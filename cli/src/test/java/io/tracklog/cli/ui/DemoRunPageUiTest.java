package io.tracklog.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.ArtifactInfo;
import io.tracklog.Run;
import io.tracklog.Store;
import io.tracklog.reader.StoreReader;
import io.tracklog.registry.ModelVersion;
import io.tracklog.samples.ModelLifecycle;
import io.tracklog.server.ServerOptions;
import io.tracklog.server.TrackingServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * A run's page of the demo store in a real browser (issue #14): overview, params, metrics with
 * sparklines, children, artifacts with previews and downloads, and no edit controls on a read-only
 * server. Expectations come from the store's own API.
 */
class DemoRunPageUiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The edit controls the UI shows only when the server allows edits. */
  static final List<String> EDIT_CONTROLS = List.of("edit-run-name", "edit-note", "edit-tag", "delete-run", "restore-run");

  @RegisterExtension static final Browser browser = new Browser();

  @TempDir static Path root;
  static Store store;
  static TrackingServer server;
  static DemoStore demo;
  static Ui ui;

  @BeforeAll
  static void serveTheDemoStore() {
    store = Store.open(root);
    demo = DemoStore.write(store);
    server = TrackingServer.start(store, ServerOptions.defaults().withPort(0).withUi(true).withReadOnly(true));
    ui = new Ui(browser.driver(), server.uri());
  }

  @AfterAll
  static void stop() {
    Fixtures.closeAll(server, store);
  }

  @Test
  void runPage_showsNameStatusParamsAndMetricsWithSparklines() {
    Run run = store.getRun(demo.quickStartRunId());
    ui.open("/run/" + run.runId(), "run");
    assertThat(ui.find("run-name").getText().trim()).isEqualTo(run.info().runName());
    assertThat(ui.find("run-status").getText()).containsIgnoringCase(run.info().status().name());

    List<WebElement> params = ui.find("run-params").findElements(Ui.testId("param-row"));
    assertThat(params).as("param rows").hasSize(run.params().size());
    for (Map.Entry<String, String> p : run.params().entrySet()) {
      assertThat(params).as("a row for param %s = %s", p.getKey(), p.getValue())
          .anyMatch(row -> cells(row).contains(p.getKey()) && cells(row).contains(p.getValue()));
    }

    List<WebElement> metrics = ui.find("run-metrics").findElements(Ui.testId("metric-row"));
    assertThat(metrics).as("metric rows").hasSize(run.metrics().size());
    for (String key : run.metrics().keySet()) {
      WebElement row = metrics.stream().filter(r -> cells(r).contains(key)).findFirst()
          .orElseThrow(() -> new AssertionError("no metric row shows " + key + ": " + metrics.stream().map(WebElement::getText).toList()));
      List<WebElement> svg = row.findElements(By.cssSelector("svg"));
      assertThat(svg).as("a sparkline for " + key).isNotEmpty();
      assertThat(svg.get(0).getSize().getWidth()).as("the sparkline of %s is drawn", key).isPositive();
      double latest = run.metric(key);
      assertThat(cells(row).stream().map(Ui::parse)).as("the latest value of %s, %s", key, latest)
          .anyMatch(v -> v != null && Math.abs(v - latest) <= 1e-3 * Math.max(1, Math.abs(latest)));
    }
    assertThat(ui.find("run-tags").getText()).as("tags").contains("team").contains(run.tags().get("team"));
  }

  @Test
  void runPage_linksANestedRunToItsParentAndChildren() {
    String parent = demo.nestedRuns().parentRunId();
    ui.open("/run/" + parent, "run");
    WebElement children = ui.find("run-children");
    for (var child : demo.nestedRuns().children()) {
      assertThat(children.getText()).as("children of the search run").contains(store.getRun(child.runId()).info().runName());
      assertThat(children.findElements(linkTo(child.runId()))).as("a link to child " + child.runId()).isNotEmpty();
    }
    String child = demo.nestedRuns().children().get(0).runId();
    ui.open("/run/" + child, "run");
    assertThat(ui.driver().findElement(Ui.view("run")).findElements(linkTo(parent))).as("a link to the parent").isNotEmpty();
  }

  private static By linkTo(String runId) {
    return By.cssSelector("a[href*=\"/run/" + runId + "\"]");
  }

  @Test
  void runPage_showsTheRegisteredModelVersionItMade() {
    String runId = demo.modelLifecycle().runId();
    ModelVersion champion;
    try (StoreReader reader = StoreReader.of(store)) {
      champion = reader.registry().versionByAlias(ModelLifecycle.MODEL, ModelLifecycle.ALIAS).orElseThrow();
    }
    assertThat(champion.runId()).as("test data: the champion comes from the run").isEqualTo(runId);
    ui.open("/run/" + runId, "run");
    String models = ui.find("run-models").getText();
    assertThat(models).as("the run's models").contains(champion.name()).contains(ModelLifecycle.ALIAS);
    assertThat(Ui.numbers(models)).as("the version, in: " + models).contains((long) champion.version());
  }

  @Test
  void artifacts_areListed_andTextJsonYamlPreviewed_andDownloaded() throws Exception {
    String runId = demo.modelLifecycle().runId();
    List<ArtifactInfo> files = store.artifacts(runId).listAll();
    String yaml = files.stream().map(ArtifactInfo::path).filter(p -> p.endsWith("/MLmodel")).findFirst().orElseThrow();
    String json = files.stream().map(ArtifactInfo::path).filter(p -> p.endsWith(".json")).findFirst().orElseThrow();
    String folder = yaml.substring(0, yaml.indexOf('/'));

    ui.open("/run/" + runId + "?tab=artifacts", "run");
    WebElement tree = ui.awaitVisible("run-artifacts");
    for (ArtifactInfo top : store.listArtifacts(runId, null)) {
      assertThat(tree.findElements(Ui.testId("artifact-entry", "data-path", top.path())))
          .as("an entry for %s", top.path()).isNotEmpty();
    }
    WebElement dir = ui.driver().findElement(Ui.testId("artifact-entry", "data-path", folder));
    assertThat(dir.getAttribute("data-dir")).as("%s is a folder", folder).isEqualTo("true");

    // Open the folder (unless already open), then the MLmodel file: YAML, shown as text.
    if (ui.driver().findElements(Ui.testId("artifact-entry", "data-path", yaml)).isEmpty()) {
      dir.click();
    }
    ui.await().withMessage("an entry for " + yaml).until(d -> !d.findElements(Ui.testId("artifact-entry", "data-path", yaml)).isEmpty());
    assertThat(ui.driver().findElement(Ui.testId("artifact-entry", "data-path", yaml)).getAttribute("data-dir")).isNotEqualTo("true");
    ui.driver().findElement(Ui.testId("artifact-entry", "data-path", yaml)).click();
    String yamlShown = awaitPreview(null);
    assertThat(lines(yamlShown)).as("preview of " + yaml).isEqualTo(lines(read(runId, yaml)));
    assertThat(download(runId, yaml)).as("download of " + yaml).isEqualTo(bytes(runId, yaml));

    // The JSON file, by its URL: pretty-printed, the same document.
    ui.driver().get(ui.base() + "#/run/" + runId + "?tab=artifacts&path=" + json);
    String jsonShown = awaitPreview(yamlShown);
    assertThat(JSON.readTree(jsonShown)).as("preview of " + json).isEqualTo(JSON.readTree(read(runId, json)));
    assertThat(download(runId, json)).as("download of " + json).isEqualTo(bytes(runId, json));

    // Plain text and a .yaml file, shown as they are.
    String previous = jsonShown;
    for (String suffix : List.of(".txt", ".yaml")) {
      String path = files.stream().map(ArtifactInfo::path).filter(p -> p.endsWith(suffix)).findFirst()
          .orElseThrow(() -> new AssertionError("test data: the model has a " + suffix + " file: " + files));
      ui.driver().get(ui.base() + "#/run/" + runId + "?tab=artifacts&path=" + path);
      String shown = awaitPreview(previous);
      assertThat(lines(shown)).as("preview of " + path).isEqualTo(lines(read(runId, path)));
      assertThat(download(runId, path)).as("download of " + path).isEqualTo(bytes(runId, path));
      previous = shown;
    }
  }

  @Test
  void readOnlyServer_showsNoEditControls() {
    ui.open("/run/" + demo.quickStartRunId(), "run");
    for (String control : EDIT_CONTROLS) {
      assertThat(ui.present(control)).as("[data-testid=%s] on a read-only server", control).isFalse();
    }
  }

  /** The text of each cell (direct child) of a row. */
  @SuppressWarnings("unchecked")
  private static List<String> cells(WebElement row) {
    return ((List<String>) ui.js().executeScript("return Array.from(arguments[0].children).map(c => c.innerText.trim());", row));
  }

  /** Waits until the artifact preview shows a text other than {@code previous}; returns it (the {@code pre} or {@code code} inside that is not hidden from screen readers, if any). */
  private static String awaitPreview(String previous) {
    return ui.await().withMessage("an artifact preview" + (previous == null ? "" : " of another file"))
        .until(d -> {
          List<WebElement> previews = d.findElements(Ui.testId("artifact-preview"));
          if (previews.isEmpty() || !previews.get(0).isDisplayed()) {
            return null;
          }
          // the text itself, not a gutter of line numbers beside it (aria-hidden)
          List<WebElement> pre = previews.get(0).findElements(By.cssSelector("pre:not([aria-hidden=true]), code:not([aria-hidden=true])"));
          String text = (String) ui.js().executeScript("return arguments[0].innerText;", pre.isEmpty() ? previews.get(0) : pre.get(0));
          return text == null || text.isBlank() || text.equals(previous) ? null : text;
        });
  }

  /** Lines without trailing blanks and without blank lines at the end. */
  private static List<String> lines(String text) {
    List<String> out = new java.util.ArrayList<>(text.replace("\r\n", "\n").lines().map(String::stripTrailing).toList());
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  private static byte[] bytes(String runId, String path) {
    try (InputStream in = store.openArtifact(runId, path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(String runId, String path) {
    return new String(bytes(runId, path), StandardCharsets.UTF_8);
  }

  /** Follows the preview's download link with a plain HTTP client. */
  private static byte[] download(String runId, String path) throws IOException, InterruptedException {
    String href = ui.find("artifact-download").getAttribute("href");
    assertThat(href).as("the download link of " + path).isNotBlank();
    HttpResponse<byte[]> response = HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(href)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).as("GET " + href).isEqualTo(200);
    return response.body();
  }
}
