package io.tracklog.log;

/**
 * System properties Chronicle reads when its classes load. Set here, before any Chronicle class is
 * touched, so that embedding applications that forget the JVM flags still never phone home: the
 * analytics library is also excluded from the build (README, "JVM flags").
 */
final class ChronicleSettings {
  private ChronicleSettings() {}

  static void apply() {
    setIfAbsent("chronicle.analytics.disable", "true");
    setIfAbsent("chronicle.announcer.disable", "true");
    setIfAbsent("chronicle.disk.monitor.disable", "true");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
