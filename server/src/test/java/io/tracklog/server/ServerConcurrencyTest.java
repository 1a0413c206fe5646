package io.tracklog.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients log into overlapping runs at once: every acknowledged point, param and tag is in the store
 * afterwards, exactly once. 64 clients through the default writer cache, then 16 through a cache of
 * 3 writers for 8 runs, so writers are evicted and attached again under load.
 */
class ServerConcurrencyTest {
  static final int RUNS = 8;
  static final int REQUESTS = 40;

  @TempDir Path root;

  @Test
  void sixtyFourClientsIntoOverlappingRunsLoseAndDuplicateNothing() throws Exception {
    clientsLogInto(64, 1024);
  }

  @Test
  void writersEvictedUnderLoadLoseNothing() throws Exception {
    clientsLogInto(16, 3);
  }

  private void clientsLogInto(int clients, int maxWriters) throws Exception {
    final int CLIENTS = clients;
    StoreOptions storeOptions =
        StoreOptions.builder().shutdownPolicy(StoreOptions.ShutdownPolicy.OWNER_CLOSES).sourceTags(false).build();
    try (Store store = Store.open(root, storeOptions)) {
      List<String> runIds = new ArrayList<>();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      try (TrackingServer server =
          TrackingServer.start(store, ServerOptions.defaults().withPort(0).withWriters(maxWriters, Duration.ofMinutes(5)))) {
        Http http = new Http(server.uri());
        for (int r = 0; r < RUNS; r++) {
          runIds.add(http.ok("/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"0\", \"run_name\": \"run-" + r + "\"}")
              .at("/run/info/run_id").asText());
        }
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          int client = c;
          done.add(pool.submit(() -> {
            Http mine = new Http(server.uri());
            go.await();
            for (int i = 0; i < REQUESTS; i++) {
              String runId = runIds.get((client + i) % RUNS);
              long step = (long) client * REQUESTS + i;
              Http.Reply reply = i % 10 == 9
                  ? mine.post("/api/2.0/mlflow/runs/log-batch",
                      "{\"run_id\": \"" + runId + "\", \"metrics\": [{\"key\": \"loss\", \"value\": " + step
                          + ", \"timestamp\": 1, \"step\": " + step + "}], \"params\": [{\"key\": \"p" + client + "_" + i
                          + "\", \"value\": \"v\"}], \"tags\": [{\"key\": \"t" + client + "\", \"value\": \"" + i + "\"}]}")
                  : mine.post("/api/2.0/mlflow/runs/log-metric",
                      "{\"run_id\": \"" + runId + "\", \"key\": \"loss\", \"value\": " + step + ", \"timestamp\": 1, \"step\": " + step + "}");
              if (reply.status() != 200) {
                failures.add(reply.body());
              }
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> f : done) {
          f.get();
        }
        pool.shutdown();
        assertThat(server.openWriters()).isLessThanOrEqualTo(maxWriters);
      }
      assertThat(failures).isEmpty();
      try (StoreReader reader = StoreReader.of(store)) {
        Snapshot snapshot = reader.snapshot();
        long total = 0;
        List<Long> steps = new ArrayList<>();
        for (String runId : runIds) {
          List<Metric> history = snapshot.metricHistory(runId, "loss");
          total += history.size();
          history.forEach(m -> steps.add(m.step()));
          Run run = snapshot.getRun(runId);
          assertThat(run.info().status().name()).as("the server ends no run").isEqualTo("RUNNING");
        }
        assertThat(total).isEqualTo((long) CLIENTS * REQUESTS);
        assertThat(steps).doesNotHaveDuplicates();
        long params = runIds.stream().mapToLong(id -> snapshot.getRun(id).params().size()).sum();
        assertThat(params).isEqualTo((long) CLIENTS * (REQUESTS / 10));
      }
    }
  }
}
