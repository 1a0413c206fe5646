package io.tracklog.testing;

import io.tracklog.RunSpec;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import java.nio.file.Path;

/**
 * Child JVM for single lifecycle scenarios: {@code block root exp} runs {@code store.run(...)} with a
 * body that throws (prints {@code RUN id} from the body, then {@code CAUGHT}); {@code live root exp}
 * starts a run, prints {@code LIVE id}, waits for {@code EXIT} on stdin and returns from main without
 * closing the writer or the store (the shutdown hook must end the run KILLED).
 */
public final class ScenarioChild {
  private ScenarioChild() {}

  public static void main(String[] args) {
    Path root = Path.of(args[1]);
    String exp = args[2];
    switch (args[0]) {
      case "block" -> {
        try (Store store = Store.open(root)) {
          try {
            store.run(
                RunSpec.of(exp, "block"),
                run -> {
                  run.logMetric("m", 1.0, 0);
                  ChildIo.say("RUN " + run.runId());
                  throw new IllegalStateException("boom");
                });
            ChildIo.say("NOT THROWN");
          } catch (IllegalStateException e) {
            ChildIo.say("CAUGHT " + e.getMessage());
          }
        }
      }
      case "live" -> {
        Store store = Store.open(root);
        RunWriter run = store.startRun(RunSpec.of(exp, "live"));
        run.logMetric("m", 1.0, 0);
        ChildIo.say("LIVE " + run.runId());
        ChildIo.expect("EXIT");
        ChildIo.say("RETURNING");
        // return without run.end/close or store.close: the JVM shutdown hook must end it KILLED
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
