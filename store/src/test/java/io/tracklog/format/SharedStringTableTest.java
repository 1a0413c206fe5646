package io.tracklog.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedStringTableTest {
  private record Entry(String key, int value) {}

  @Test
  void viewsKeepFindingWhatWasAddedBeforeThem_throughGrowthAndReplacement() {
    SharedStringTable<Entry> table = new SharedStringTable<>(Entry::key);
    List<SharedStringTable.View<Entry>> views = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      assertThat(table.putIfAbsent(new Entry("k" + i, i))).isNull();
      if (Integer.bitCount(i) == 1) {
        views.add(table.view());
        sizes.add(i + 1);
      }
    }
    assertThat(table.size()).isEqualTo(50_000);
    assertThat(table.putIfAbsent(new Entry("k7", -1))).isEqualTo(new Entry("k7", 7));
    assertThat(table.get("k7").value()).isEqualTo(7);
    assertThat(table.put(new Entry("k7", 70))).isEqualTo(new Entry("k7", 7));
    assertThat(table.get("k7").value()).isEqualTo(70);
    assertThat(table.size()).isEqualTo(50_000);
    for (int v = 0; v < views.size(); v++) {
      for (int i = 0; i < sizes.get(v); i++) {
        assertThat(views.get(v).get("k" + i)).as("view %d, key %d", v, i).isNotNull();
      }
      assertThat(views.get(v).get("absent")).isNull();
    }
    assertThat(table.get("")).isNull();
    table.put(new Entry("", 1));
    assertThat(table.get("").value()).isEqualTo(1);
  }

  @Test
  void hashIsNeverZero_andDependsOnEveryChar() {
    assertThat(SharedStringTable.hash("")).isNotZero();
    assertThat(SharedStringTable.hash("abcdefgh")).isNotEqualTo(SharedStringTable.hash("abcdefgi"));
    assertThat(SharedStringTable.hash("abcdefgh")).isNotEqualTo(SharedStringTable.hash("bbcdefgh"));
    assertThat(SharedStringTable.hash("abcde")).isNotEqualTo(SharedStringTable.hash("abcdf"));
  }
}
