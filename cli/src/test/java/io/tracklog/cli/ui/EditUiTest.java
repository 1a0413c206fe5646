package io.tracklog.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Store;
import io.tracklog.samples.QuickStart;
import io.tracklog.server.ServerOptions;
import io.tracklog.server.TrackingServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** Edits through the UI of a server that allows them ({@code withReadOnly(false)}), checked in the store. */
class EditUiTest {
  @RegisterExtension static final Browser browser = new Browser();

  @TempDir static Path root;
  static Store store;
  static TrackingServer server;
  static String runId;
  static Ui ui;

  @BeforeAll
  static void serveAWritableStore() {
    store = Store.open(root);
    runId = QuickStart.run(store);
    server = TrackingServer.start(store, ServerOptions.defaults().withPort(0).withUi(true).withReadOnly(false));
    ui = new Ui(browser.driver(), server.uri());
  }

  @AfterAll
  static void stop() {
    Fixtures.closeAll(server, store);
  }

  @Test
  void editableServer_showsTheEditControls() {
    ui.open("/run/" + runId, "run");
    for (String control : List.of("edit-run-name", "edit-note", "edit-tag")) {
      assertThat(ui.present(control)).as("[data-testid=%s] on a server that allows edits", control).isTrue();
    }
    assertThat(ui.present("delete-run") || ui.present("restore-run")).as("delete-run or restore-run").isTrue();
  }

  @Test
  void renameARun_changesItInTheStore() {
    String oldName = store.getRun(runId).info().runName();
    String newName = oldName + "-renamed-in-the-ui";
    ui.open("/run/" + runId, "run");
    assertThat(ui.find("run-name").getText().trim()).isEqualTo(oldName);
    type(ui.find("edit-run-name"), newName);
    ui.await().withMessage("the store to hold the run's new name " + newName)
        .until(d -> newName.equals(store.getRun(runId).info().runName()));
    ui.await().withMessage("the page to show the new name")
        .until(d -> ui.find("run-name").getText().trim().equals(newName));
    ui.open("/run/" + runId, "run");
    assertThat(ui.find("run-name").getText().trim()).as("the name after a reload").isEqualTo(newName);
  }

  /**
   * Types {@code text} into what an edit control offers: the control itself if it is a field, else,
   * once clicked, a prompt, a field inside it, or the field it focuses; then confirms with Enter.
   */
  static void type(WebElement control, String text) {
    if (isField(control)) {
      Ui.typeAndEnter(control, text);
      return;
    }
    control.click();
    Object target = ui.await().withMessage("a field or prompt to type into after clicking " + control.getAttribute("data-testid"))
        .until(d -> fieldOrPrompt(d, control));
    if (target instanceof Alert alert) {
      alert.sendKeys(text);
      alert.accept();
    } else {
      Ui.typeAndEnter((WebElement) target, text);
    }
  }

  private static Object fieldOrPrompt(WebDriver d, WebElement control) {
    try {
      return d.switchTo().alert();
    } catch (NoAlertPresentException e) {
      // not a prompt
    }
    for (WebElement inside : control.findElements(By.cssSelector("input, textarea"))) {
      if (inside.isDisplayed()) {
        return inside;
      }
    }
    WebElement active = d.switchTo().activeElement();
    return active != null && isField(active) ? active : null;
  }

  private static boolean isField(WebElement e) {
    String tag = e.getTagName().toLowerCase(java.util.Locale.ROOT);
    if (tag.equals("textarea")) {
      return true;
    }
    String type = e.getAttribute("type");
    return tag.equals("input") && (type == null || type.isEmpty() || type.equals("text"));
  }
}
