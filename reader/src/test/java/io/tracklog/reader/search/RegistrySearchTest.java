package io.tracklog.reader.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.reader.PageToken;
import io.tracklog.reader.StoreReader;
import io.tracklog.registry.ModelRegistry;
import io.tracklog.registry.ModelVersion;
import io.tracklog.registry.RegisteredModel;
import io.tracklog.testing.ManualClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * search_registered_models and search_model_versions: the verified examples of MLflow's registry
 * search (both of its stores agree on them), the grammar's errors, order_by and paging.
 */
class RegistrySearchTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(1_000);
  private Store store;
  private StoreReader reader;

  @BeforeEach
  void open() {
    store = Store.open(dir, StoreOptions.builder().clock(clock).build());
    reader = StoreReader.of(store);
    ModelRegistry r = store.registry();
    // Models alpha{team=a}, Beta{team=b, x.y=1}, gamma_1{}, gammaX1{team=A}; versions alpha 1-3,
    // Beta 1-2, gamma_1 1, run ids r<name>0..., tag i=<n-1> on versions >= 2; each a millisecond later.
    r.createRegisteredModel("alpha", Map.of("team", "a"), null);
    r.createRegisteredModel("Beta", Map.of("team", "b", "x.y", "1"), null);
    r.createRegisteredModel("gamma_1");
    r.createRegisteredModel("gammaX1", Map.of("team", "A"), null);
    for (String name : List.of("alpha", "Beta", "gamma_1")) {
      int n = name.equals("alpha") ? 3 : name.equals("Beta") ? 2 : 1;
      for (int v = 1; v <= n; v++) {
        clock.set(clock.millis() + 1);
        Map<String, String> tags = v >= 2 ? Map.of("i", String.valueOf(v - 1)) : Map.of();
        r.createModelVersion(name, "s3://b/" + name + "/" + v, "r" + name.toLowerCase() + (v - 1), tags, null, null);
      }
    }
  }

  @AfterEach
  void close() {
    reader.close();
    store.close();
  }

  private List<String> models(String filter) {
    return reader.searchRegisteredModels(filter, 100, List.of(), null).models().stream().map(RegisteredModel::name).toList();
  }

  private List<String> versions(String filter, String... orderBy) {
    return reader.searchModelVersions(filter, 1000, List.of(orderBy), null).versions().stream()
        .map(v -> v.name() + "/" + v.version())
        .toList();
  }

  // ---- models --------------------------------------------------------------------------------------

  @Test
  void models_theVerifiedExamples() {
    assertThat(models(null)).containsExactly("Beta", "alpha", "gammaX1", "gamma_1");
    assertThat(models("")).containsExactly("Beta", "alpha", "gammaX1", "gamma_1");
    assertThat(models("name LIKE 'gamma_1'")).containsExactly("gammaX1", "gamma_1");
    assertThat(models("name LIKE 'beta'")).isEmpty();
    assertThat(models("name ILIKE 'beta'")).containsExactly("Beta");
    assertThat(models("tags.team != 'a'")).containsExactly("Beta", "gammaX1");
    assertThat(models("tags.team ILIKE 'a'")).containsExactly("alpha", "gammaX1");
    assertThat(models("tags.x.y = '1'")).containsExactly("Beta");
    assertThat(models("attribute.name = 'alpha'")).containsExactly("alpha");
    assertThat(models("tag.`team` = \"b\" AND name != 'x'")).containsExactly("Beta");
  }

  @Test
  void models_errors() {
    assertThatThrownBy(() -> models("name = 'a' OR name = 'b'"))
        .isInstanceOf(InvalidFilterException.class)
        .hasMessageContaining("Invalid clause(s) in filter string");
    assertThatThrownBy(() -> models("run_id = 'a'"))
        .isInstanceOf(InvalidFilterException.class)
        .hasMessageStartingWith("Invalid attribute key 'run_id' specified. Valid keys are '[name]'");
    assertThatThrownBy(() -> models("params.a = 'x'"))
        .hasMessageStartingWith("Invalid entity type 'params'. Valid entity types are ('attribute', 'tag', 'tags')");
    assertThatThrownBy(() -> models("name > 'a'")).isInstanceOf(InvalidFilterException.class).hasMessageContaining("Invalid comparator");
    assertThatThrownBy(() -> models("name IN ('alpha')"))
        .hasMessageStartingWith("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
    assertThatThrownBy(() -> models("creation_timestamp > 1")).isInstanceOf(InvalidFilterException.class);
    InvalidFilterException e =
        (InvalidFilterException) org.assertj.core.api.Assertions.catchThrowable(() -> models("name = 'a' AND tags.t = 1"));
    assertThat(e.position()).isEqualTo(15);
    assertThat(e.clause()).isEqualTo("tags.t = 1");
  }

  @Test
  void models_hidePromptsUnlessTheFilterNamesTheTag() {
    store.registry().createRegisteredModel("p", Map.of(RegisteredModel.PROMPT_TAG, "true"), null);
    assertThat(models(null)).doesNotContain("p");
    assertThat(models("tags.`mlflow.prompt.is_prompt` = 'true'")).containsExactly("p");
    // a missing prompt tag reads as 'false' for this key alone
    assertThat(models("tags.`mlflow.prompt.is_prompt` = 'false'")).containsExactly("Beta", "alpha", "gammaX1", "gamma_1");
    assertThat(store.registry().getRegisteredModel("p").visibleTags()).isEmpty();
  }

  @Test
  void models_orderBy() {
    store.registry().setRegisteredModelTag("alpha", "t", "v"); // no timestamp bump
    store.registry().updateRegisteredModel("gamma_1", "d"); // bumps
    List<String> byUpdate = reader.searchRegisteredModels(null, 100, List.of("last_updated_timestamp DESC"), null)
        .models().stream().map(RegisteredModel::name).toList();
    assertThat(byUpdate.get(0)).isEqualTo("gamma_1");
    assertThat(reader.searchRegisteredModels(null, 100, List.of("timestamp DESC"), null).models().get(0).name())
        .isEqualTo("gamma_1");
    assertThat(reader.searchRegisteredModels(null, 100, List.of("attribute.name DESC"), null).models())
        .extracting(RegisteredModel::name)
        .containsExactly("gamma_1", "gammaX1", "alpha", "Beta");
    assertThat(reader.searchRegisteredModels(null, 100, List.of("creation_timestamp"), null).models())
        .extracting(RegisteredModel::name)
        .containsExactly("Beta", "alpha", "gammaX1", "gamma_1"); // all created at 1000: name ASC breaks ties
    assertThatThrownBy(() -> reader.searchRegisteredModels(null, 100, List.of("name", "name DESC"), null))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("`order_by` contains duplicate fields");
    assertThatThrownBy(() -> reader.searchRegisteredModels(null, 100, List.of("timestamp", "last_updated_timestamp"), null))
        .isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> reader.searchRegisteredModels(null, 100, List.of("tags.team"), null))
        .isInstanceOf(InvalidFilterException.class);
    assertThatThrownBy(() -> reader.searchRegisteredModels(null, 100, List.of("version_number"), null))
        .isInstanceOf(InvalidFilterException.class);
    assertThatThrownBy(() -> reader.searchRegisteredModels(null, 100, List.of("name sideways"), null))
        .isInstanceOf(InvalidFilterException.class);
  }

  @Test
  void models_paging() {
    RegisteredModelPage first = reader.searchRegisteredModels(null, 3, List.of(), null);
    assertThat(first.models()).extracting(RegisteredModel::name).containsExactly("Beta", "alpha", "gammaX1");
    assertThat(first.nextPageToken()).isEqualTo(PageToken.encode(3));
    RegisteredModelPage second = reader.searchRegisteredModels(null, 3, List.of(), first.nextPageToken());
    assertThat(second.models()).extracting(RegisteredModel::name).containsExactly("gamma_1");
    assertThat(second.nextPageToken()).isNull();
    // exactly a page: no token (both MLflow stores fetch one more row to know)
    assertThat(reader.searchRegisteredModels(null, 4, List.of(), null).nextPageToken()).isNull();
    assertThatThrownBy(() -> reader.searchRegisteredModels(null, 0, List.of(), null))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("Invalid value for max_results. It must be a positive integer, but got 0");
    assertThatThrownBy(() -> reader.searchRegisteredModels(null, 1001, List.of(), null))
        .hasMessage("Invalid value for request parameter max_results. It must be at most 1000, but got value 1001");
    reader.searchRegisteredModels(null, 1000, List.of(), null);
    assertThatThrownBy(() -> reader.searchRegisteredModels(null, 10, List.of(), "garbage"))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("Invalid page token");
  }

  // ---- versions ------------------------------------------------------------------------------------

  @Test
  void versions_theVerifiedExamples() {
    assertThat(versions(null)).containsExactly("gamma_1/1", "Beta/2", "Beta/1", "alpha/3", "alpha/2", "alpha/1");
    assertThat(versions("run_id IN ('ralpha0','rbeta1')")).containsExactly("Beta/2", "alpha/1");
    assertThat(versions("run_id IN ('RALPHA0')")).isEmpty();
    assertThat(versions("run_id in (\"ralpha0\", 'rbeta1')")).containsExactly("Beta/2", "alpha/1");
    assertThat(versions("version_number = '2'")).containsExactly("Beta/2", "alpha/2");
    assertThat(versions("tags.i != '1'")).containsExactly("alpha/3");
  }

  @Test
  void versions_moreComparisons() {
    assertThat(versions("version_number >= 1.5", "name ASC")).containsExactly("Beta/2", "alpha/3", "alpha/2");
    assertThat(versions("version_number < 2 AND name LIKE 'gamma%'")).containsExactly("gamma_1/1");
    assertThat(versions("source_path = 's3://b/alpha/2'")).containsExactly("alpha/2");
    assertThat(versions("source_path LIKE '%/Beta/%'")).containsExactly("Beta/2", "Beta/1");
    assertThat(versions("run_id = 'rbeta0'")).containsExactly("Beta/1");
    assertThat(versions("attribute.run_id ILIKE 'RBETA%'")).containsExactly("Beta/2", "Beta/1");
    assertThat(versions("tags.i = '1'")).containsExactly("Beta/2", "alpha/2");
    store.registry().deleteModelVersion("alpha", 3);
    assertThat(versions("name = 'alpha'")).containsExactly("alpha/2", "alpha/1");
  }

  @Test
  void versions_errors() {
    assertThatThrownBy(() -> versions("name IN ('alpha')"))
        .isInstanceOf(InvalidFilterException.class)
        .hasMessageStartingWith("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
    assertThatThrownBy(() -> versions("current_stage = 'None'"))
        .isInstanceOf(InvalidFilterException.class)
        .hasMessageStartingWith("Invalid attribute key 'current_stage' specified.");
    assertThatThrownBy(() -> versions("name = 'a' OR name = 'b'")).isInstanceOf(InvalidFilterException.class);
    assertThatThrownBy(() -> versions("run_id NOT IN ('a')"))
        .isInstanceOf(InvalidFilterException.class)
        .hasMessageContaining("Invalid comparator 'NOT IN'");
    assertThatThrownBy(() -> versions("version_number LIKE '1'")).isInstanceOf(InvalidFilterException.class);
    assertThatThrownBy(() -> versions("version_number = 'two'")).isInstanceOf(InvalidFilterException.class);
    assertThatThrownBy(() -> versions("description = 'x'")).isInstanceOf(InvalidFilterException.class);
    assertThatThrownBy(() -> versions("name = 1")).isInstanceOf(InvalidFilterException.class);
    assertThatThrownBy(() -> versions("tags.i > '1'")).isInstanceOf(InvalidFilterException.class);
    assertThatThrownBy(() -> reader.searchModelVersions(null, 200_001, List.of(), null))
        .hasMessage("Invalid value for request parameter max_results. It must be at most 200000, but got value 200001");
    assertThatThrownBy(() -> versions(null, "version_number", "version_number DESC"))
        .hasMessageStartingWith("`order_by` contains duplicate fields");
  }

  @Test
  void versions_orderByAndPaging() {
    assertThat(versions(null, "name")).containsExactly("Beta/2", "Beta/1", "alpha/3", "alpha/2", "alpha/1", "gamma_1/1");
    assertThat(versions(null, "version_number ASC"))
        .containsExactly("Beta/1", "alpha/1", "gamma_1/1", "Beta/2", "alpha/2", "alpha/3");
    assertThat(versions(null, "creation_timestamp")).containsExactly("alpha/1", "alpha/2", "alpha/3", "Beta/1", "Beta/2", "gamma_1/1");
    List<String> all = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      ModelVersionPage page = reader.searchModelVersions(null, 4, List.of(), token);
      page.versions().forEach(v -> all.add(v.name() + "/" + v.version()));
      token = page.nextPageToken();
      pages++;
    } while (token != null);
    assertThat(pages).isEqualTo(2);
    assertThat(all).isEqualTo(versions(null));
  }

  @Test
  void aStoreWithoutARegistry_searchesEmpty(@TempDir Path other) {
    try (Store s = Store.open(other);
        StoreReader r = StoreReader.of(s)) {
      assertThat(r.searchRegisteredModels(null, 100, List.of(), null).models()).isEmpty();
      assertThat(r.searchModelVersions("name = 'x'", 100, List.of(), null).versions()).isEmpty();
    }
    assertThat(other.resolve("logs/registry")).doesNotExist();
    assertThat(other.resolve("logs/registry.log")).doesNotExist();
  }

  @Test
  void search_over10kModels_isLinear() {
    ModelRegistry r = store.registry();
    for (int i = 0; i < 2_000; i++) {
      r.createRegisteredModel("m" + i);
      r.createModelVersion("m" + i, "s", "run" + i);
    }
    ModelVersionPage page = reader.searchModelVersions("run_id IN ('run7', 'run1999')", 10, List.of(), null);
    assertThat(page.versions()).extracting(ModelVersion::name).containsExactly("m1999", "m7");
  }
}
