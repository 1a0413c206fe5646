package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.log.EventLog;
import io.tracklog.log.EventReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shared logs: one per directory, idle ones kept open up to a bound, closed by directory. */
class SharedLogsTest {
  @TempDir Path dir;

  @AfterEach
  void closeIdle() {
    SharedLogs.closeIdle(dir);
  }

  @Test
  void aReleasedLogStaysOpenIdle_andIsReusedByTheNextAcquire() {
    EventLog first;
    try (SharedLogs.Lease lease = SharedLogs.acquire(new StoreLayout(dir), dir.resolve("a"))) {
      first = lease.log();
      first.append(new byte[] {1}, 1);
    }
    try (SharedLogs.Lease lease = SharedLogs.acquire(new StoreLayout(dir), dir.resolve("a"))) {
      assertThat(lease.log()).as("the same open log, not a reopened one").isSameAs(first);
      try (EventReader reader = lease.log().openReader()) {
        assertThat(reader.next().readByte()).isEqualTo(1);
      }
    }
  }

  @Test
  void idleLogsAreBounded_leastRecentlyReleasedClosedFirst() {
    int before = SharedLogs.openCount();
    List<EventLog> logs = new ArrayList<>();
    for (int i = 0; i < SharedLogs.MAX_IDLE + 5; i++) {
      try (SharedLogs.Lease lease = SharedLogs.acquire(new StoreLayout(dir), dir.resolve("log" + i))) {
        logs.add(lease.log());
      }
    }
    assertThat(SharedLogs.openCount() - before).isLessThanOrEqualTo(SharedLogs.MAX_IDLE);
    try (SharedLogs.Lease lease = SharedLogs.acquire(new StoreLayout(dir), dir.resolve("log0"))) {
      assertThat(lease.log()).as("log0 was evicted and reopened").isNotSameAs(logs.get(0));
    }
    int last = SharedLogs.MAX_IDLE + 4;
    try (SharedLogs.Lease lease = SharedLogs.acquire(new StoreLayout(dir), dir.resolve("log" + last))) {
      assertThat(lease.log()).as("the newest idle log is still open").isSameAs(logs.get(last));
    }
  }

  @Test
  void closeIdle_closesOnlyIdleLogsBelowTheDirectory() {
    int before = SharedLogs.openCount();
    SharedLogs.acquire(new StoreLayout(dir), dir.resolve("x/run1")).close();
    SharedLogs.acquire(new StoreLayout(dir), dir.resolve("y/run2")).close();
    try (SharedLogs.Lease inUse = SharedLogs.acquire(new StoreLayout(dir), dir.resolve("x/run3"))) {
      SharedLogs.closeIdle(dir.resolve("x"));
      assertThat(SharedLogs.openCount() - before).as("y/run2 idle, x/run3 in use").isEqualTo(2);
      inUse.log().append(new byte[] {5}, 1); // still usable
    }
    SharedLogs.closeIdle(dir);
    assertThat(SharedLogs.openCount()).isEqualTo(before);
  }

  @Test
  void closingAStore_closesTheLogsItLeftIdle() {
    int before = SharedLogs.openCount();
    try (Store store = Store.open(dir.resolve("store"))) {
      String exp = store.createExperiment("e");
      for (int i = 0; i < 3; i++) {
        try (RunWriter run = store.startRun(exp)) {
          run.logMetric("m", i, 0);
          run.end(RunStatus.FINISHED);
        }
      }
      assertThat(SharedLogs.openCount() - before).as("catalog + idle runs").isGreaterThan(1);
    }
    assertThat(SharedLogs.openCount()).isEqualTo(before);
  }
}
