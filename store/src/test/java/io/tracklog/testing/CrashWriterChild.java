package io.tracklog.testing;

import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.format.RunEvent;
import java.nio.file.Path;
import java.util.List;

/**
 * Child JVM for CrashIT, killed with SIGKILL at a random point: {@code root new <experimentId>
 * <session>} starts a run, {@code root resume <runId> <session>} resumes one. Prints {@code RUN
 * <runId>}, then performs {@link #op} 0, 1, 2, ... and after each call returns prints {@code ACK
 * <description>} (flushed). After {@link #LIMIT} ops it prints {@code LIMIT} and waits to be killed.
 *
 * <p>The op sequence is a pure function of (session, i), so the parent knows what the log must hold:
 * a prefix of the sequence, at least every ACKed op, at most one more.
 */
public final class CrashWriterChild {
  public static final int LIMIT = 200_000;

  private CrashWriterChild() {}

  private static String prefix(int session) {
    return "s" + session + "-";
  }

  /** Performs op {@code i} of {@code session} and returns its description. */
  static String op(RunWriter run, int session, int i) {
    String p = prefix(session);
    if (i % 50 == 49) {
      run.logParam(p + "p" + i, "v" + i);
    } else if (i % 30 == 29) {
      run.setTag(p + "t" + i, "v" + i);
    } else if (i % 97 == 96) {
      run.logBatch(
          List.of(new Metric(p + "b", i, 1L, i)), List.of(new Param(p + "bp" + i, "v" + i)), List.of());
    } else {
      run.logMetric(p + "m", i, i);
    }
    return expected(session, i);
  }

  /** The description of op {@code i} of {@code session}, as {@link #describe} gives for its event. */
  public static String expected(int session, int i) {
    String p = prefix(session);
    if (i % 50 == 49) {
      return "P " + p + "p" + i + " v" + i;
    } else if (i % 30 == 29) {
      return "T " + p + "t" + i + " v" + i;
    } else if (i % 97 == 96) {
      return "B " + p + "b " + i + " " + p + "bp" + i;
    }
    return "M " + p + "m " + i;
  }

  /** The description of a logged event if {@code session} wrote it, else null. */
  public static String describe(RunEvent event, int session) {
    String p = prefix(session);
    String d;
    String key;
    if (event instanceof RunEvent.MetricLogged m) {
      key = m.metric().key();
      d = "M " + key + " " + m.metric().step();
      if (m.metric().value() != m.metric().step()) {
        d += " (value " + m.metric().value() + ")";
      }
    } else if (event instanceof RunEvent.ParamLogged pl) {
      key = pl.param().key();
      d = "P " + key + " " + pl.param().value();
    } else if (event instanceof RunEvent.TagSet t) {
      key = t.tag().key();
      d = "T " + key + " " + t.tag().value();
    } else if (event instanceof RunEvent.BatchLogged b) {
      if (b.metrics().size() != 1 || b.params().size() != 1 || !b.tags().isEmpty()) {
        return "unexpected batch " + b;
      }
      key = b.metrics().get(0).key();
      d = "B " + key + " " + b.metrics().get(0).step() + " " + b.params().get(0).key();
    } else {
      return null;
    }
    return key.startsWith(p) ? d : null;
  }

  public static void main(String[] args) {
    Path root = Path.of(args[0]);
    String mode = args[1];
    String id = args[2];
    int session = Integer.parseInt(args[3]);
    Store store = Store.open(root);
    RunWriter run =
        switch (mode) {
          case "new" -> store.startRun(id);
          case "resume" -> store.resumeRun(id);
          default -> throw new IllegalArgumentException(mode);
        };
    ChildIo.say("RUN " + run.runId());
    for (int i = 0; i < LIMIT; i++) {
      String d = op(run, session, i);
      ChildIo.say("ACK " + d);
    }
    ChildIo.say("LIMIT");
    ChildIo.hear(); // wait to be killed
  }
}
