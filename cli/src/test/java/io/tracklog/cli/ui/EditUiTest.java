package io.tracklog.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.LifecycleStage;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** Edits through the UI of a server that allows them ({@code withReadOnly(false)}), checked in the store. */
class EditUiTest {
  @RegisterExtension static final Browser browser = new Browser();

  @TempDir static Path root;
  static Store store;
  static TrackingServer server;
  /** One QuickStart run per test that changes one: renamed, annotated, deleted and restored. */
  static String runId;
  static String notedRunId;
  static String deletedRunId;
  static Ui ui;

  @BeforeAll
  static void serveAWritableStore() {
    store = Store.open(root);
    runId = QuickStart.run(store);
    notedRunId = QuickStart.run(store);
    deletedRunId = QuickStart.run(store);
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

  @Test
  void noteAndTag_areWrittenToTheStore() {
    String note = "Written in the browser: *markdown* note.";
    String key = "reviewed_by";
    String value = "the ui test";
    ui.open("/run/" + notedRunId, "run");
    Ui.replaceText(ui.find("edit-note"), note, Keys.TAB); // leaving the field saves it
    ui.await().withMessage("the store to hold the note")
        .until(d -> note.equals(store.getRun(notedRunId).tags().get("mlflow.note.content")));

    ui.open("/run/" + notedRunId, "run");
    assertThat(ui.find("edit-note").getAttribute("value")).as("the note, read back").isEqualTo(note);
    List<WebElement> inputs = ui.find("edit-tag").findElements(By.cssSelector("input"));
    assertThat(inputs).as("key and value fields of edit-tag").hasSizeGreaterThanOrEqualTo(2);
    inputs.get(0).sendKeys(key);
    inputs.get(1).sendKeys(value, Keys.ENTER);
    ui.await().withMessage("the store to hold the tag " + key)
        .until(d -> value.equals(store.getRun(notedRunId).tags().get(key)));
    ui.await().withMessage("the page to list the tag " + key)
        .until(d -> ui.find("run-tags").getText().contains(key) && ui.find("run-tags").getText().contains(value));
  }

  @Test
  void deleteAndRestore_changeTheRunsLifecycleInTheStore() {
    ui.open("/run/" + deletedRunId, "run");
    assertThat(ui.present("restore-run")).as("restore-run on an active run").isFalse();
    ui.find("delete-run").click();
    acceptIfAsked();
    ui.await().withMessage("the store to mark the run deleted")
        .until(d -> store.getRun(deletedRunId).info().lifecycleStage() == LifecycleStage.DELETED);
    ui.await().withMessage("restore-run on the deleted run's page")
        .until(d -> ui.present("restore-run") && !d.findElements(Ui.readyView("run")).isEmpty());
    ui.await().withMessage("a click on restore-run").until(d -> {
      ui.find("restore-run").click();
      return true;
    });
    acceptIfAsked();
    ui.await().withMessage("the store to mark the run active again")
        .until(d -> store.getRun(deletedRunId).info().lifecycleStage() == LifecycleStage.ACTIVE);
    ui.await().withMessage("delete-run again").until(d -> ui.present("delete-run") && !ui.present("restore-run"));
  }

  /** Accepts a confirmation dialog if the control asked for one. */
  private static void acceptIfAsked() {
    try {
      ui.driver().switchTo().alert().accept();
    } catch (NoAlertPresentException e) {
      // no confirmation asked
    }
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
