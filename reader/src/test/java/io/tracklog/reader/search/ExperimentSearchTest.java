package io.tracklog.reader.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Experiment;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.ViewType;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** search_experiments tie-breaks, id order, filters and pages (mlflow/utils/search_utils.py; docs/SEARCH.md). */
class ExperimentSearchTest {
  @TempDir Path dir;

  /** Default plus e1..e11, all created at the same instant, so every time ties. */
  private Snapshot store(StoreReader[] reader) {
    StoreOptions options =
        StoreOptions.builder()
            .clock(InstantSource.fixed(Instant.ofEpochMilli(1_000)))
            .compaction(StoreOptions.CompactionTrigger.MANUAL)
            .build();
    try (Store store = Store.open(dir, options)) {
      for (int i = 1; i <= 11; i++) {
        store.createExperiment("e" + i);
      }
      store.setExperimentTag("2", "team", "core");
      store.setExperimentTag("3", "team", "Core");
      store.deleteExperiment("11");
    }
    reader[0] = StoreReader.open(dir);
    return reader[0].snapshot();
  }

  private static List<String> ids(ExperimentPage page) {
    return page.experiments().stream().map(Experiment::experimentId).toList();
  }

  @Test
  void ties_defaultOrderIdAscending_givenOrderIdDescending_idsNumeric() {
    StoreReader[] reader = new StoreReader[1];
    Snapshot snap = store(reader);
    try {
      assertThat(ids(ExperimentSearch.search(snap, ExperimentSearchRequest.builder().build())))
          .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
      assertThat(ids(ExperimentSearch.search(snap, ExperimentSearchRequest.builder().orderBy("creation_time").build())))
          .containsExactly("10", "9", "8", "7", "6", "5", "4", "3", "2", "1", "0");
      assertThat(
              ids(
                  ExperimentSearch.search(
                      snap,
                      ExperimentSearchRequest.builder()
                          .orderBy("attribute.experiment_id DESC")
                          .viewType(ViewType.ALL)
                          .build())))
          .startsWith("11", "10", "9");
      assertThat(ids(ExperimentSearch.search(snap, ExperimentSearchRequest.builder().orderBy("name").build())))
          .containsExactly("0", "1", "10", "2", "3", "4", "5", "6", "7", "8", "9");
      assertThat(
              ids(
                  ExperimentSearch.search(
                      snap, ExperimentSearchRequest.builder().viewType(ViewType.DELETED_ONLY).build())))
          .containsExactly("11");
    } finally {
      reader[0].close();
    }
  }

  @Test
  void filters_andPages() {
    StoreReader[] reader = new StoreReader[1];
    Snapshot snap = store(reader);
    try {
      assertThat(ids(ExperimentSearch.search(snap, ExperimentSearchRequest.builder().filter("tags.team = 'core'").build())))
          .containsExactly("2");
      assertThat(
              ids(ExperimentSearch.search(snap, ExperimentSearchRequest.builder().filter("tag.team ILIKE 'CORE'").build())))
          .containsExactly("2", "3");
      assertThat(
              ids(
                  ExperimentSearch.search(
                      snap,
                      ExperimentSearchRequest.builder().filter("attribute.name LIKE 'e1%' AND creation_time = 1000").build())))
          .containsExactly("1", "10");
      assertThat(ids(ExperimentSearch.search(snap, ExperimentSearchRequest.builder().filter("name != 'e1'").build())))
          .hasSize(10);

      List<List<String>> pages = new ArrayList<>();
      ExperimentSearchRequest req = ExperimentSearchRequest.builder().maxResults(4).build();
      ExperimentSearchRequest next = req;
      while (true) {
        ExperimentPage page = ExperimentSearch.search(snap, next);
        pages.add(ids(page));
        if (page.nextPageToken() == null) {
          break;
        }
        next = req.withPageToken(page.nextPageToken());
      }
      assertThat(pages)
          .containsExactly(List.of("0", "1", "2", "3"), List.of("4", "5", "6", "7"), List.of("8", "9", "10"));
      assertThatThrownBy(() -> ExperimentSearch.search(snap, ExperimentSearchRequest.builder().maxResults(0).build()))
          .isInstanceOf(InvalidParameterException.class);
      assertThatThrownBy(
              () -> ExperimentSearch.search(snap, ExperimentSearchRequest.builder().orderBy("lifecycle_stage").build()))
          .isInstanceOf(InvalidFilterException.class);
      assertThatThrownBy(
              () -> ExperimentSearch.search(snap, ExperimentSearchRequest.builder().orderBy("attributes.name").build()))
          .isInstanceOf(InvalidFilterException.class)
          .hasMessageContaining("Invalid entity type 'attributes'");
    } finally {
      reader[0].close();
    }
  }

  @Test
  void experimentIds_numericFirst_thenOthersByCodePoint() {
    List<String> ids = new ArrayList<>(List.of("9", "1a", "10", "007", "7", "b", "123456789012345678901"));
    ids.sort(ExperimentSearch::compareIds);
    assertThat(ids).containsExactly("007", "7", "9", "10", "123456789012345678901", "1a", "b");
  }
}
