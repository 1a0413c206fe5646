package io.tracklog.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.testing.AnalyticsProbeChild;
import io.tracklog.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chronicle's usage analytics must never phone home from Tracklog, even in an application that forgot
 * the JVM flags. Chronicle mutes itself when JUnit is on the class path, so the check runs in a child
 * JVM without JUnit, without {@code -Dchronicle.*} flags, with an empty {@code user.home}, under a
 * SecurityManager that records every non-loopback connect and DNS lookup.
 */
class AnalyticsIT {
  private static final Pattern TEST_ONLY_JAR =
      Pattern.compile(".*(junit|opentest4j|apiguardian|assertj)[^/\\\\]*\\.jar$");

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void storeInPlainJvm_noNetworkNoHomeFiles_analyticsAbsentAndDisabledByStore() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path cwd = Files.createDirectories(dir.resolve("cwd").resolve("inner")); // no system.properties here or above
    List<String> classPath = ChildJvm.testClassPath();
    assertThat(classPath).anyMatch(e -> TEST_ONLY_JAR.matcher(e).matches()); // the filter has work to do

    ChildJvm child =
        ChildJvm.builder(AnalyticsProbeChild.class)
            .args(dir.resolve("store").toString(), home.toString())
            .keepClassPath(e -> !TEST_ONLY_JAR.matcher(e).matches())
            .keepJvmArgs(a -> !a.startsWith("-Dchronicle."))
            .jvmArg("-Djava.security.manager=allow")
            .jvmArg("-Duser.home=" + home)
            .workDir(cwd)
            .start();
    try (child) {
      int exit = child.waitForExit();
      assertThat(child.allLines()).as("stdout; %s", child.describeExit()).contains("OK");
      assertThat(exit).isZero();
      assertThat(child.allLines())
          .as("the guard caught the deliberate lookup")
          .anyMatch(l -> l.startsWith("PROBE [example.com:-1"));
      assertThat(child.stderr()).doesNotContain("google-analytics").doesNotContain("UnknownHostException");
    }
    // Only JNA's empty ~/.cache/JNA/temp may appear; no file, and nothing named .chronicle*.
    try (Stream<Path> left = Files.walk(home)) {
      assertThat(left.filter(p -> !p.equals(home)).map(p -> home.relativize(p).toString()))
          .as("what the child left in user.home")
          .allMatch(p -> p.equals(".cache") || p.startsWith(".cache/JNA"))
          .noneMatch(p -> p.contains(".chronicle"));
    }
    try (Stream<Path> left = Files.walk(home)) {
      assertThat(left.filter(Files::isRegularFile)).as("files in user.home").isEmpty();
    }
  }
}
