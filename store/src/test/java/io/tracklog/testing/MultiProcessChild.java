package io.tracklog.testing;

import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Child JVM for MultiProcessIT: {@code root child threads n sharedRunId experimentId}. Opens the
 * store, resumes the shared run, prints {@code READY}, waits for {@code GO} on stdin, then releases
 * its threads together: each starts its own run and logs metric {@code c<child>-t<thread>} at steps
 * 0..n-1 to its own run and to the shared run, interleaved. Prints {@code RUN child thread runId} per
 * thread and {@code DONE} at the end; exits 1 if any thread failed.
 */
public final class MultiProcessChild {
  private MultiProcessChild() {}

  public static String key(int child, int thread) {
    return "c" + child + "-t" + thread;
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int child = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    int n = Integer.parseInt(args[3]);
    String sharedRunId = args[4];
    String experimentId = args[5];

    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (Store store = Store.open(root)) {
      RunWriter shared = store.resumeRun(sharedRunId);
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Thread w =
            new Thread(
                () -> {
                  try {
                    go.await();
                    String key = key(child, thread);
                    try (RunWriter own = store.startRun(RunSpec.of(experimentId, key))) {
                      ChildIo.say("RUN " + child + " " + thread + " " + own.runId());
                      shared.logParam(key, "p-" + key);
                      for (int i = 0; i < n; i++) {
                        own.logMetric(key, i, i);
                        shared.logMetric(key, i, i);
                      }
                      own.end(RunStatus.FINISHED);
                    }
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                  }
                },
                "writer-" + t);
        w.start();
        workers.add(w);
      }
      ChildIo.say("READY");
      ChildIo.expect("GO");
      go.countDown();
      for (Thread w : workers) {
        w.join();
      }
      shared.close();
    }
    if (failure.get() != null) {
      failure.get().printStackTrace();
      ChildIo.say("FAIL " + failure.get());
      System.exit(1);
    }
    ChildIo.say("DONE");
  }
}
