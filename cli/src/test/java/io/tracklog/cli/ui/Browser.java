package io.tracklog.cli.ui;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * One headless Chromium per test class, as a JUnit extension: register it in a static field with
 * {@code @RegisterExtension}. Before the class's own {@code @BeforeAll} methods it starts Debian's
 * {@code /usr/bin/chromium} through {@code /usr/bin/chromedriver} (never Selenium Manager, which
 * would download a driver), with a fresh profile in a temporary folder and the background services
 * that try to reach the network turned off; after every test, passed or failed, it saves a
 * screenshot to {@code target/ui-screenshots/<Class>-<test>.png} and the page's console to
 * {@code <Class>-<test>.console.txt}; after the class it quits the browser and deletes the profile.
 *
 * <p>Without the browser the class is skipped with an assumption message, unless the environment
 * variable {@code TRACKLOG_BROWSER_TESTS} is {@code required} ({@code .ci/run} sets it), where it
 * fails. {@code -Dtracklog.chromium=PATH} and {@code -Dtracklog.chromedriver=PATH} point elsewhere.
 */
final class Browser implements BeforeAllCallback, AfterTestExecutionCallback, AfterAllCallback {
  static final Path CHROMIUM = Path.of(System.getProperty("tracklog.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("tracklog.chromedriver", "/usr/bin/chromedriver"));
  static final String REQUIRED_ENV = "TRACKLOG_BROWSER_TESTS";

  /** Surefire runs in the module's folder and sets {@code basedir} to it. */
  static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "ui-screenshots");

  /** How long any wait on the page lasts before the test fails. */
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** Selenium logs through java.util.logging; its CDP-version warnings are noise here. Kept strongly reachable. */
  private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

  private ChromeDriver driver;
  private Path profile;

  ChromeDriver driver() {
    if (driver == null) {
      throw new IllegalStateException("The browser is not started: register Browser with @RegisterExtension on a static field");
    }
    return driver;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    String missing = missing();
    if (missing != null) {
      String message = missing + ": the browser tests need Debian's chromium and chromium-driver packages"
          + " (apt-get install -y chromium chromium-driver)";
      if ("required".equalsIgnoreCase(System.getenv(REQUIRED_ENV))) {
        throw new IllegalStateException(message + "; " + REQUIRED_ENV + "=required, so this fails instead of skipping");
      }
      Assumptions.abort(message + "; skipped (set " + REQUIRED_ENV + "=required to fail instead)");
    }
    SELENIUM_LOG.setLevel(Level.SEVERE);
    profile = Files.createTempDirectory("tracklog-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-domain-reliability",
        "--disable-dev-shm-usage",
        "--no-proxy-server",
        "--window-size=1400,900",
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(TIMEOUT).scriptTimeout(TIMEOUT);
  }

  /** Why the browser cannot run here, or null if it can. */
  static String missing() {
    for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(p)) {
        return p + " is missing";
      }
    }
    return null;
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (driver == null) {
      return;
    }
    String name = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
    try {
      Files.createDirectories(SCREENSHOTS);
      File png = driver.getScreenshotAs(OutputType.FILE);
      Files.move(png.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
      StringBuilder console = new StringBuilder("URL: " + driver.getCurrentUrl() + "\n");
      for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
        console.append(e.getLevel()).append(' ').append(e.getMessage()).append('\n');
      }
      Files.writeString(SCREENSHOTS.resolve(name + ".console.txt"), console, StandardCharsets.UTF_8);
    } catch (IOException | WebDriverException e) {
      // A screenshot is for people to look at; failing to take one must not hide the test's own outcome.
      System.err.println("Could not save the screenshot of " + name + ": " + e);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      driver = null;
      deleteTree(profile);
    }
  }

  /** Best effort: Chromium's last child processes may still be writing the profile as it is deleted. */
  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      System.err.println("Could not delete the browser profile " + dir + ": " + e);
    }
  }
}
