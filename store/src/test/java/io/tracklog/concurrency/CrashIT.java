package io.tracklog.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Run;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.format.RunEvent;
import io.tracklog.testing.ChildJvm;
import io.tracklog.testing.CrashWriterChild;
import io.tracklog.testing.RunLogs;
import io.tracklog.testing.ScenarioChild;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers in child JVMs killed with SIGKILL at random points: the store reopens, every run replays,
 * every acknowledged event is there and nothing half-written is read; the killed runs are orphans.
 * Also the two ways a run ends without an explicit end: the shutdown hook (KILLED) and a throwing
 * run block (FAILED). Set {@code -Dtracklog.test.seed=N} to replay a seed.
 */
class CrashIT {
  private static final int KILLS = 20;

  @TempDir Path dir;

  /** One writer session: which run it wrote and how much of its op sequence the log holds. */
  private record Session(int session, String runId, int acked, int logged) {}

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void killedWriters_twentyTimes_everyAckedEventSurvives_runsOrphanedThenKilled() {
    long seed = Long.getLong("tracklog.test.seed", System.nanoTime());
    System.out.println("CrashIT seed=" + seed + " (rerun with -Dtracklog.test.seed=" + seed + ")");
    Random random = new Random(seed);

    String exp;
    String resumedRunId;
    try (Store store = Store.open(dir)) {
      exp = store.setExperiment("crash").experimentId();
      try (RunWriter run = store.startRun(exp)) {
        resumedRunId = run.runId();
        run.end(RunStatus.FINISHED);
      }
    }

    List<Session> sessions = new ArrayList<>();
    for (int s = 0; s < KILLS; s++) {
      boolean resume = s % 2 == 1;
      // Mostly somewhere in the first 20k ops, sometimes right at the start (even before any ACK).
      int target = random.nextInt(4) == 0 ? random.nextInt(20) : random.nextInt(20_000);
      String runId;
      List<String> acks;
      try (ChildJvm child =
          ChildJvm.start(
              CrashWriterChild.class,
              dir.toString(),
              resume ? "resume" : "new",
              resume ? resumedRunId : exp,
              Integer.toString(s))) {
        runId = child.awaitLine("RUN ").substring(4);
        for (int seen = 0; seen < target; ) {
          String line = child.nextLine();
          assertThat(line).as("session %d (seed %d)", s, seed).isNotEqualTo("LIMIT");
          if (line.startsWith("ACK ")) {
            seen++;
          }
        }
        assertThat(child.kill()).as("killed by SIGKILL").isEqualTo(137);
        acks = child.allLines().stream().filter(l -> l.startsWith("ACK ")).map(l -> l.substring(4)).toList();
      }
      if (resume) {
        assertThat(runId).isEqualTo(resumedRunId);
      }
      String why = "session " + s + ", seed " + seed + ", target " + target;
      int logged = checkSession(s, runId, acks, why);
      sessions.add(new Session(s, runId, acks.size(), logged));

      try (Store store = Store.open(dir)) {
        // Every run of the store replays, whatever the kills left.
        for (Run run : store.runs(exp)) {
          assertThat(run.info().experimentId()).isEqualTo(exp);
        }
        assertThat(store.getRun(runId).info().status()).as(why).isEqualTo(RunStatus.RUNNING);
        assertThat(store.orphanedRuns()).as(why).containsExactly(runId);
        assertThat(store.endOrphanedRuns()).as(why).containsExactly(runId);
        Run killed = store.getRun(runId);
        assertThat(killed.info().status()).as(why).isEqualTo(RunStatus.KILLED);
        assertThat(killed.info().endTime()).as(why).isNotNull();
        assertThat(store.orphanedRuns()).as(why).isEmpty();
      }
    }

    // At the end, every session's events are still exactly what was checked right after its kill.
    for (Session s : sessions) {
      List<String> logged = sessionEvents(RunLogs.read(dir, s.runId()), s.session());
      assertThat(logged).as("session %d at the end (seed %d)", s.session(), seed).hasSize(s.logged());
    }
    try (Store store = Store.open(dir)) {
      assertThat(store.runIds(exp)).hasSize(1 + KILLS / 2);
      for (Run run : store.runs(exp)) {
        assertThat(run.info().status()).isEqualTo(RunStatus.KILLED);
      }
    }
    System.out.println(
        "CrashIT seed=" + seed + " sessions (session, acked, logged): "
            + sessions.stream().map(s -> s.session() + ":" + s.acked() + "/" + s.logged()).toList());
  }

  /**
   * Checks the killed session's events in its run log: a prefix of its op sequence holding every
   * ACKed op and at most the one in flight. Returns how many it holds.
   */
  private int checkSession(int session, String runId, List<String> acks, String why) {
    List<RunEvent> events = RunLogs.read(dir, runId); // decodes every event, or throws
    RunLogs.replay(events); // and they fold into a run
    List<String> logged = sessionEvents(events, session);
    assertThat(logged.size())
        .as(
            "%s: logged vs %d acked; last acked %s; last logged %s",
            why,
            acks.size(),
            acks.subList(Math.max(0, acks.size() - 3), acks.size()),
            logged.subList(Math.max(0, logged.size() - 4), logged.size()))
        .isBetween(acks.size(), acks.size() + 1);
    assertThat(logged.subList(0, acks.size())).as(why).isEqualTo(acks);
    for (int i = 0; i < logged.size(); i++) {
      assertThat(logged.get(i)).as("%s: op %d", why, i).isEqualTo(CrashWriterChild.expected(session, i));
    }
    return logged.size();
  }

  private static List<String> sessionEvents(List<RunEvent> events, int session) {
    List<String> out = new ArrayList<>();
    for (RunEvent e : events) {
      String d = CrashWriterChild.describe(e, session);
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void liveWriterInAnotherJvm_isNotOrphaned_andShutdownHookEndsItKilled() {
    String exp;
    String orphan;
    try (Store store = Store.open(dir)) {
      exp = store.setExperiment("live").experimentId();
      try (RunWriter run = store.startRun(exp)) {
        orphan = run.runId(); // closed without ending: a real orphan, for contrast
      }
    }
    try (ChildJvm child = ChildJvm.start(ScenarioChild.class, "live", dir.toString(), exp)) {
      String live = child.awaitLine("LIVE ").substring(5);
      try (Store store = Store.open(dir)) {
        assertThat(store.orphanedRuns()).containsExactly(orphan);
        assertThat(store.endOrphanedRuns()).containsExactly(orphan);
        assertThat(store.getRun(live).info().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(store.getRun(orphan).info().status()).isEqualTo(RunStatus.KILLED);
      }
      child.send("EXIT");
      child.awaitLine("RETURNING");
      assertThat(child.waitForExit()).as("returned from main normally; %s", child.describeExit()).isZero();
      try (Store store = Store.open(dir)) {
        Run run = store.getRun(live);
        assertThat(run.info().status()).as("ended by the shutdown hook").isEqualTo(RunStatus.KILLED);
        assertThat(run.info().endTime()).isNotNull();
        assertThat(run.metric("m")).isEqualTo(1.0);
        assertThat(store.orphanedRuns()).isEmpty();
      }
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void runBlockThatThrows_inChildJvm_endsFailed() {
    String exp;
    try (Store store = Store.open(dir)) {
      exp = store.setExperiment("block").experimentId();
    }
    String runId;
    try (ChildJvm child = ChildJvm.start(ScenarioChild.class, "block", dir.toString(), exp)) {
      runId = child.awaitLine("RUN ").substring(4);
      assertThat(child.nextLine()).isEqualTo("CAUGHT boom");
      assertThat(child.waitForExit()).as(child.describeExit()).isZero();
    }
    try (Store store = Store.open(dir)) {
      Run run = store.getRun(runId);
      assertThat(run.info().status()).isEqualTo(RunStatus.FAILED);
      assertThat(run.info().endTime()).isNotNull();
      assertThat(run.metric("m")).isEqualTo(1.0);
      assertThat(store.orphanedRuns()).isEmpty();
    }
  }
}
