package io.tracklog.reader;

import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child JVM for {@link ReaderWhileWritingIT}: {@code root experimentId}. Opens the store (compaction
 * when a run closes, the default), starts a long-lived run and prints {@code LONG <runId>}; then, until
 * {@code STOP} arrives on stdin, writes short runs (a param, {@code POINTS} points of {@code loss}, a
 * tag, ended FINISHED and closed, so each close compacts) while adding a point of {@code loss} to the
 * long-lived run after each. Prints {@code WROTE <n>} after each short run, and {@code DONE <n>}
 * after ending the long run on STOP.
 */
public final class WriterChild {
  static final int POINTS = 20;

  private WriterChild() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    String experimentId = args[1];
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Thread stopper =
        new Thread(
            () -> {
              try {
                String line;
                while ((line = in.readLine()) != null && !line.equals("STOP")) {
                  // ignore anything else
                }
              } catch (IOException ignored) {
                // stdin gone: stop too
              }
              stop = true;
            },
            "stdin");
    stopper.setDaemon(true);
    stopper.start();
    int n = 0;
    try (Store store = Store.open(root)) {
      try (RunWriter longRun = store.startRun(RunSpec.of(experimentId, "long"))) {
        longRun.logMetric("loss", 1.0, 0);
        say("LONG " + longRun.runId());
        long step = 1;
        while (!stop) {
          int i = n;
          store.run(
              RunSpec.of(experimentId, "short-" + i),
              r -> {
                r.logParam("i", Integer.toString(i));
                for (int s = 0; s < POINTS; s++) {
                  r.logMetric("loss", 1.0 / (s + 1), s);
                }
                r.setTag("done", "yes");
              });
          longRun.logMetric("loss", 1.0 / (step + 1), step++);
          n++;
          say("WROTE " + n);
        }
        longRun.end(RunStatus.FINISHED);
      }
    }
    say("DONE " + n);
  }

  private static volatile boolean stop;

  private static void say(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }
}
