package io.tracklog.reader.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import io.tracklog.reader.SearchFileTest;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.testing.Choices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Search files change no answer (issue #10): on a random store, random requests give the reference
 * answer ({@link RunSearch#searchNaive}) page after page with the search files intact, with every
 * search file damaged, deleted, or not listed in the manifest (segments written before search
 * files): the reader then builds the columns from the runs and latest files.
 */
class SearchFileFallbackTest {
  @TempDir Path dir;

  @Test
  void damagedDeletedOrUnlistedSearchFiles_giveTheSameAnswers() throws IOException {
    SearchFileTest.randomStore(dir, 11);
    Choices random = Choices.random(11);
    List<SearchRequest> requests = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      requests.add(RunSearchEquivalenceTest.request(random, List.of("0", "1")));
    }
    List<RunPage> expected = answers(requests, true);
    long gen = ManifestFiles.latestGeneration(dir).getAsLong();
    Manifest m = ManifestFiles.read(dir, gen);
    Map<Path, byte[]> originals = new HashMap<>();
    for (Manifest.Segment s : m.segments()) {
      Path f = dir.resolve(s.searchFile().path());
      originals.put(f, Files.readAllBytes(f));
    }

    for (Map.Entry<Path, byte[]> e : originals.entrySet()) { // one flipped bit each: CRC mismatch
      byte[] b = e.getValue().clone();
      b[b.length / 2] ^= 4;
      Files.write(e.getKey(), b);
    }
    assertThat(answers(requests, false)).as("damaged search files").isEqualTo(expected);

    for (Path f : originals.keySet()) {
      Files.delete(f);
    }
    assertThat(answers(requests, false)).as("deleted search files").isEqualTo(expected);

    for (Map.Entry<Path, byte[]> e : originals.entrySet()) {
      Files.write(e.getKey(), e.getValue());
    }
    Path manifest = dir.resolve(ManifestFiles.fileName(gen));
    String json = Files.readString(manifest);
    Files.writeString(manifest, json.replaceAll(",\"search_file\":\\{[^}]*\\}", ""));
    assertThat(ManifestFiles.read(dir, gen).segments()).allSatisfy(s -> assertThat(s.searchFile()).isNull());
    assertThat(answers(requests, false)).as("no search files listed").isEqualTo(expected);
  }

  /** Every page of every request, checked against the reference evaluation if asked. */
  private List<RunPage> answers(List<SearchRequest> requests, boolean checkReference) {
    List<RunPage> out = new ArrayList<>();
    try (StoreReader reader = StoreReader.open(dir)) {
      Snapshot snap = reader.snapshot();
      for (SearchRequest req : requests) {
        for (int page = 0; page < 20; page++) {
          RunPage actual = RunSearch.search(snap, req);
          if (checkReference) {
            assertThat(actual).as("request %s", req).isEqualTo(RunSearch.searchNaive(snap, req));
          }
          out.add(actual);
          if (actual.nextPageToken() == null) {
            break;
          }
          req = req.withPageToken(actual.nextPageToken());
        }
      }
    }
    return out;
  }
}
