package io.tracklog.testing;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Permission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * Child JVM for AnalyticsIT, run without JUnit on the class path (which would mute Chronicle's
 * analytics by itself) and without {@code -Dchronicle.analytics.disable}: {@code root userHome}.
 * Installs a SecurityManager that denies and records every non-loopback connect or DNS lookup, checks
 * it catches a deliberate lookup, then writes a run. Prints {@code OK} and exits 0 only if nothing
 * tried the network, the analytics library is absent, the store set {@code chronicle.analytics.disable}
 * itself and {@code user.home} got no files; otherwise prints {@code FAIL reason} and exits 1.
 */
public final class AnalyticsProbeChild {
  private AnalyticsProbeChild() {}

  /** Denies and records non-loopback network access; allows everything else. */
  static final class NetGuard extends SecurityManager {
    final List<String> attempts = Collections.synchronizedList(new ArrayList<>());
    final List<String> probeAttempts = Collections.synchronizedList(new ArrayList<>());
    volatile boolean probing;

    @Override
    public void checkPermission(Permission perm) {}

    @Override
    public void checkPermission(Permission perm, Object context) {}

    @Override
    public void checkConnect(String host, int port) {
      check(host, port);
    }

    @Override
    public void checkConnect(String host, int port, Object context) {
      check(host, port);
    }

    private void check(String host, int port) {
      if (isLoopback(host)) {
        return;
      }
      String what = host + ":" + port + " from thread " + Thread.currentThread().getName();
      (probing ? probeAttempts : attempts).add(what);
      throw new SecurityException("network access denied by test: " + what);
    }

    private static boolean isLoopback(String host) {
      String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      return h.equals("localhost")
          || h.startsWith("127.")
          || h.equals("::1")
          || h.equals("0:0:0:0:0:0:0:1");
    }
  }

  private static void fail(String reason) {
    ChildIo.say("FAIL " + reason);
    System.exit(1);
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    Path userHome = Path.of(args[1]);

    for (String junit : List.of("org.junit.jupiter.api.Test", "org.junit.Test")) {
      if (isPresent(junit)) {
        fail(junit + " is on the class path: Chronicle would mute analytics by itself");
      }
    }
    if (!userHome.toString().equals(System.getProperty("user.home"))) {
      fail("user.home is " + System.getProperty("user.home"));
    }
    if (System.getProperty("chronicle.analytics.disable") != null) {
      fail("chronicle.analytics.disable is set before the store ran");
    }

    NetGuard guard = new NetGuard();
    System.setSecurityManager(guard);

    // The guard must catch a lookup, or this test could never fail.
    guard.probing = true;
    try {
      InetAddress.getByName("example.com");
      fail("lookup of example.com was not stopped");
    } catch (SecurityException expected) {
      // denied, as it should be
    }
    guard.probing = false;
    if (guard.probeAttempts.isEmpty()) {
      fail("the guard did not record the deliberate lookup");
    }
    ChildIo.say("PROBE " + guard.probeAttempts);

    if (isPresent("net.openhft.chronicle.analytics.Analytics")) {
      fail("chronicle-analytics is on the class path");
    }

    String runId;
    try (Store store = Store.open(root)) {
      String exp = store.setExperiment("offline").experimentId();
      runId =
          store.run(
              RunSpec.of(exp, "offline"),
              run -> {
                run.logParam("lr", "0.1");
                for (int i = 0; i < 1000; i++) {
                  run.logMetric("loss", 1.0 / (i + 1), i);
                }
              });
    }
    try (Store store = Store.open(root)) {
      if (store.getRun(runId).metric("loss") != 1.0 / 1000) {
        fail("run not read back");
      }
    }

    if (!"true".equals(System.getProperty("chronicle.analytics.disable"))) {
      fail("the store did not set chronicle.analytics.disable: " + System.getProperty("chronicle.analytics.disable"));
    }
    if (isPresent("net.openhft.chronicle.analytics.Analytics")) {
      fail("chronicle-analytics appeared on the class path");
    }
    // JNA (under Chronicle) creates the empty directory ~/.cache/JNA/temp for native libraries it
    // may unpack; tolerated. Any file, or anything Chronicle's analytics would write
    // (~/.chronicle.analytics.client.id, ~/.chronicle.analytics.last), is a failure.
    try (Stream<Path> files = Files.walk(userHome)) {
      List<Path> left = files.filter(p -> !p.equals(userHome)).toList();
      ChildIo.say("HOME " + left.stream().map(p -> userHome.relativize(p).toString()).toList());
      List<Path> bad =
          left.stream()
              .filter(p -> Files.isRegularFile(p) || p.getFileName().toString().startsWith(".chronicle"))
              .toList();
      if (!bad.isEmpty()) {
        fail("files written to user.home: " + bad);
      }
    }
    if (!guard.attempts.isEmpty()) {
      fail("network access attempted: " + guard.attempts);
    }
    ChildIo.say("OK");
    System.exit(0);
  }

  private static boolean isPresent(String className) {
    try {
      Class.forName(className, false, AnalyticsProbeChild.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
