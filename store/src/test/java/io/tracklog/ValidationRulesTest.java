package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.ExperimentNotFoundException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.InvalidStateException;
import io.tracklog.error.ResourceAlreadyExistsException;
import io.tracklog.error.RunNotActiveException;
import io.tracklog.error.RunNotFoundException;
import io.tracklog.error.TagNotFoundException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MLflow's validation rules and limits (mlflow/utils/validation.py) through the public API. Every
 * rejection must be the typed exception, name the offending key or value, and write nothing: the run
 * replays to the same state and its log holds no new event; the catalog holds the same experiments.
 */
class ValidationRulesTest {
  /** U+1D49C MATHEMATICAL SCRIPT CAPITAL A: a letter (so a word character) outside the BMP. */
  private static final String SCRIPT_A = "\uD835\uDC9C";
  /** U+1F600: two UTF-16 chars, one code point, not a word character. */
  private static final String EMOJI = "\uD83D\uDE00";

  @TempDir Path dir;
  private Store store;
  private String exp;
  private RunWriter run;

  @BeforeEach
  void setUp() {
    store = Store.open(dir);
    exp = store.createExperiment("exp");
    run = store.startRun(RunSpec.of(exp, "r"));
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** How many events the run's log holds. */
  static long eventCount(Store store, String runId) {
    return store.runLogs().replay(runId).eventCount();
  }

  /** {@code call} throws {@code type} with every fragment in its message and leaves the run as it was. */
  private void assertRejectedUnchanged(
      ThrowingCallable call, Class<? extends Throwable> type, String... fragments) {
    Run before = store.getRun(run.runId());
    long events = eventCount(store, run.runId());
    List<Experiment> experiments = store.experiments();
    List<String> runs = store.runIds(exp);
    var thrown = assertThatThrownBy(call).isInstanceOf(type);
    for (String f : fragments) {
      thrown.hasMessageContaining(f);
    }
    assertThat(store.getRun(run.runId())).isEqualTo(before);
    assertThat(eventCount(store, run.runId())).as("events in the run log").isEqualTo(events);
    assertThat(store.experiments()).isEqualTo(experiments);
    assertThat(store.runIds(exp)).isEqualTo(runs);
  }

  private void assertExperimentRejected(
      ThrowingCallable call, Class<? extends Throwable> type, String... fragments) {
    List<Experiment> before = store.experiments();
    var thrown = assertThatThrownBy(call).isInstanceOf(type);
    for (String f : fragments) {
      thrown.hasMessageContaining(f);
    }
    assertThat(store.experiments()).isEqualTo(before);
  }

  private static String cps(String unit, int n) {
    return unit.repeat(n);
  }

  /** A value of exactly {@code n} code points starting with a recognisable marker. */
  private static String marked(int n) {
    String marker = "MARK" + SCRIPT_A;
    return marker + "v".repeat(n - marker.codePointCount(0, marker.length()));
  }

  private static String firstCodePoints(String s, int n) {
    return s.substring(0, s.offsetByCodePoints(0, Math.min(n, s.codePointCount(0, s.length()))));
  }

  /** The ways a run key can be written. */
  enum KeyWrite {
    METRIC((w, k) -> w.logMetric(k, 1.0, 5L, 0L), (r, k) -> assertThat(r.metrics()).containsKey(k)),
    PARAM((w, k) -> w.logParam(k, "v"), (r, k) -> assertThat(r.params()).containsEntry(k, "v")),
    TAG((w, k) -> w.setTag(k, "v"), (r, k) -> assertThat(r.tags()).containsEntry(k, "v")),
    BATCH_METRIC(
        (w, k) -> w.logBatch(List.of(new Metric(k, 1.0, 5L, 0L)), List.of(), List.of()),
        (r, k) -> assertThat(r.metrics()).containsKey(k)),
    BATCH_PARAM(
        (w, k) -> w.logBatch(List.of(), List.of(new Param(k, "v")), List.of()),
        (r, k) -> assertThat(r.params()).containsEntry(k, "v")),
    BATCH_TAG(
        (w, k) -> w.logBatch(List.of(), List.of(), List.of(new RunTag(k, "v"))),
        (r, k) -> assertThat(r.tags()).containsEntry(k, "v"));

    final BiConsumer<RunWriter, String> write;
    final BiConsumer<Run, String> check;

    KeyWrite(BiConsumer<RunWriter, String> write, BiConsumer<Run, String> check) {
      this.write = write;
      this.check = check;
    }
  }

  static final List<String> VALID_KEYS =
      List.of(
          "loss",
          "é",
          "ß",
          "日本",
          "a_b",
          "_",
          "a/b",
          "a/b/c",
          "a.b",
          ".hidden",
          "a/.b",
          "a/..b",
          "a..b",
          "a.",
          "a-b",
          "-",
          "a b",
          " ",
          "a:b",
          "x²",
          "Ⅻ",
          "Ωμέγα",
          "ключ",
          "٣",
          SCRIPT_A);

  static final List<String> BAD_CHARACTER_KEYS =
      List.of(
          "a!b", "a@b", "#", "a?b", "a*b", "a\\b", "a\nb", "a\tb", "a\rb", "a,b", "a=b", "a'b", "a\"b",
          "a+b", "a%b", "a(b)", "a;b", "a<b", "a|b", "a~b", EMOJI, "a" + EMOJI, "e\u0301", "a\u0000b",
          "a\u00A0b", "a‿b", "a\uD800b");

  static final List<String> BAD_PATH_KEYS =
      List.of(
          "", "/", "/a", "a/", "a//b", "a/./b", ".", "..", "...", "../x", "a/..", "a/../b", "..a", "./a",
          "a/.", "//a");

  static Stream<String> validKeys() {
    return VALID_KEYS.stream();
  }

  static Stream<String> invalidKeys() {
    return Stream.concat(BAD_CHARACTER_KEYS.stream(), BAD_PATH_KEYS.stream());
  }

  // ---- keys ------------------------------------------------------------------------------------

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("validKeys")
  void key_validCharactersAndPaths_accepted(String key) {
    for (KeyWrite write : KeyWrite.values()) {
      write.write.accept(run, key);
      write.check.accept(store.getRun(run.runId()), key);
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("invalidKeys")
  void key_invalidCharactersOrPaths_rejectedNamingKey(String key) {
    for (KeyWrite write : KeyWrite.values()) {
      assertRejectedUnchanged(() -> write.write.accept(run, key), InvalidParameterException.class, "'" + key + "'");
    }
  }

  @Test
  void key_null_rejected() {
    assertRejectedUnchanged(() -> run.logMetric(null, 1.0, 0L, 0L), InvalidParameterException.class);
    assertRejectedUnchanged(() -> run.logParam(null, "v"), InvalidParameterException.class);
    assertRejectedUnchanged(() -> run.setTag(null, "v"), InvalidParameterException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a!b", "", "a//b", "..", "a/"})
  void experimentTagKey_invalid_rejected(String key) {
    assertExperimentRejected(
        () -> store.setExperimentTag(exp, key, "v"), InvalidParameterException.class, "'" + key + "'");
    assertExperimentRejected(
        () -> store.createExperiment("other", null, Map.of(key, "v")),
        InvalidParameterException.class,
        "'" + key + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a!b", "", "a//b", "..", "a/"})
  void startRun_invalidTagKey_createsNoRun(String key) {
    assertRejectedUnchanged(
        () -> store.startRun(RunSpec.builder(exp).tag(key, "v").build()),
        InvalidParameterException.class,
        "'" + key + "'");
  }

  @ParameterizedTest
  @EnumSource(KeyWrite.class)
  void keyLength_250CodePoints_accepted_251_rejected(KeyWrite write) {
    // 250 supplementary letters: 500 UTF-16 chars but 250 code points, as Python's len() counts.
    String longest = cps(SCRIPT_A, 250);
    write.write.accept(run, longest);
    write.check.accept(store.getRun(run.runId()), longest);
    String mixed = "a".repeat(249) + SCRIPT_A; // 251 chars, 250 code points
    write.write.accept(run, mixed);
    write.check.accept(store.getRun(run.runId()), mixed);
    String ascii = "k".repeat(250);
    write.write.accept(run, ascii);
    write.check.accept(store.getRun(run.runId()), ascii);

    for (String tooLong : List.of(cps(SCRIPT_A, 251), "k".repeat(251), "b".repeat(250) + SCRIPT_A)) {
      assertRejectedUnchanged(
          () -> write.write.accept(run, tooLong),
          InvalidParameterException.class,
          firstCodePoints(tooLong, 100),
          "251");
    }
  }

  @Test
  void experimentTagKey_250Accepted_251Rejected() {
    store.setExperimentTag(exp, cps(SCRIPT_A, 250), "v");
    assertThat(store.getExperiment(exp).tags()).containsEntry(cps(SCRIPT_A, 250), "v");
    assertExperimentRejected(
        () -> store.setExperimentTag(exp, cps(SCRIPT_A, 251), "v"),
        InvalidParameterException.class,
        firstCodePoints(cps(SCRIPT_A, 251), 100));
  }

  // ---- values ----------------------------------------------------------------------------------

  @Test
  void paramValue_6000CodePointsAccepted_6001Rejected() {
    String ok = cps(EMOJI, 6000); // 12000 chars, 6000 code points
    run.logParam("p", ok);
    run.logBatch(List.of(), List.of(new Param("q", marked(6000))), List.of());
    assertThat(store.getRun(run.runId()).params()).containsEntry("p", ok).containsEntry("q", marked(6000));

    String tooLong = marked(6001);
    assertRejectedUnchanged(() -> run.logParam("p2", tooLong), InvalidParameterException.class, "MARK", "6001");
    assertRejectedUnchanged(
        () -> run.logBatch(List.of(), List.of(new Param("p2", tooLong)), List.of()),
        InvalidParameterException.class,
        "MARK",
        "6001");
    assertRejectedUnchanged(() -> run.logParam("p3", null), InvalidParameterException.class, "p3");
  }

  @Test
  void tagValue_8000CodePointsAccepted_8001Rejected() {
    String ok = cps(EMOJI, 8000);
    run.setTag("t", ok);
    run.logBatch(List.of(), List.of(), List.of(new RunTag("u", marked(8000))));
    assertThat(store.getRun(run.runId()).tags()).containsEntry("t", ok).containsEntry("u", marked(8000));

    String tooLong = marked(8001);
    assertRejectedUnchanged(() -> run.setTag("t2", tooLong), InvalidParameterException.class, "MARK", "8001");
    assertRejectedUnchanged(
        () -> run.logBatch(List.of(), List.of(), List.of(new RunTag("t2", tooLong))),
        InvalidParameterException.class,
        "MARK",
        "8001");
    assertRejectedUnchanged(
        () -> store.startRun(RunSpec.builder(exp).tag("t2", tooLong).build()),
        InvalidParameterException.class,
        "MARK");
    assertRejectedUnchanged(() -> run.setTag("t3", null), InvalidParameterException.class, "t3");
  }

  @Test
  void metricTimestamp_negativeRejected_zeroAccepted() {
    assertRejectedUnchanged(
        () -> run.logMetric("m", 1.0, -1L, 0L), InvalidParameterException.class, "'m'", "-1");
    assertRejectedUnchanged(
        () -> run.logMetric("m", 1.0, Long.MIN_VALUE, 0L),
        InvalidParameterException.class,
        String.valueOf(Long.MIN_VALUE));
    assertRejectedUnchanged(
        () -> run.logBatch(List.of(new Metric("m", 1.0, -5L, 0L)), List.of(), List.of()),
        InvalidParameterException.class,
        "'m'",
        "-5");
    run.logMetric("m", 1.0, 0L, 0L);
    assertThat(store.getRun(run.runId()).metrics().get("m")).isEqualTo(new Metric("m", 1.0, 0L, 0L));
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE, Double.MAX_VALUE})
  void metricValue_nanAndInfinities_acceptedAndRoundTrip(double value) {
    run.logMetric("m", value, 10L, 3L);
    run.logBatch(List.of(new Metric("b", value, 11L, 4L)), List.of(), List.of());
    Run r = store.getRun(run.runId());
    assertThat(Double.doubleToRawLongBits(r.metrics().get("m").value()))
        .isEqualTo(Double.doubleToRawLongBits(value));
    assertThat(Double.doubleToRawLongBits(r.metrics().get("b").value()))
        .isEqualTo(Double.doubleToRawLongBits(value));
    assertThat(r.metrics().get("b")).isEqualTo(new Metric("b", value, 11L, 4L));
  }

  @Test
  void metricStep_negativeAndExtremeAccepted() {
    run.logMetric("m", 1.0, 1L, -7L);
    assertThat(store.getRun(run.runId()).metrics().get("m").step()).isEqualTo(-7L);
    run.logMetric("n", 1.0, Long.MAX_VALUE, Long.MIN_VALUE);
    assertThat(store.getRun(run.runId()).metrics().get("n"))
        .isEqualTo(new Metric("n", 1.0, Long.MAX_VALUE, Long.MIN_VALUE));
  }

  // ---- experiments -----------------------------------------------------------------------------

  @Test
  void experimentName_emptyAndNullRejected_500Accepted_501Rejected() {
    assertExperimentRejected(() -> store.createExperiment(""), InvalidParameterException.class, "''");
    assertExperimentRejected(() -> store.setExperiment(""), InvalidParameterException.class, "''");
    assertExperimentRejected(() -> store.createExperiment(null), InvalidParameterException.class);

    String ok = cps(EMOJI, 500);
    String id = store.createExperiment(ok);
    assertThat(store.getExperiment(id).name()).isEqualTo(ok);
    assertThat(store.setExperiment(ok).experimentId()).isEqualTo(id);

    String tooLong = marked(501);
    assertExperimentRejected(() -> store.createExperiment(tooLong), InvalidParameterException.class, "MARK", "501");
    assertExperimentRejected(() -> store.setExperiment(tooLong), InvalidParameterException.class, "MARK", "501");
    assertExperimentRejected(
        () -> store.renameExperiment(exp, tooLong), InvalidParameterException.class, "MARK", "501");
    assertExperimentRejected(() -> store.renameExperiment(exp, ""), InvalidParameterException.class);
    store.renameExperiment(exp, marked(500));
    assertThat(store.getExperiment(exp).name()).isEqualTo(marked(500));
  }

  @Test
  void experimentTagValue_5000Accepted_5001Rejected() {
    store.setExperimentTag(exp, "k", cps(EMOJI, 5000));
    assertThat(store.getExperiment(exp).tags()).containsEntry("k", cps(EMOJI, 5000));
    String tooLong = marked(5001);
    assertExperimentRejected(
        () -> store.setExperimentTag(exp, "k", tooLong), InvalidParameterException.class, "MARK", "5001");
    assertExperimentRejected(
        () -> store.createExperiment("tagged", null, Map.of("k", tooLong)),
        InvalidParameterException.class,
        "MARK",
        "5001");
    String id = store.createExperiment("tagged", null, Map.of("k", marked(5000)));
    assertThat(store.getExperiment(id).tags()).containsEntry("k", marked(5000));
  }

  @Test
  void artifactLocation_2048Accepted_2049Rejected_runsUriRejected() {
    String ok = "file:///" + "a".repeat(2040);
    assertThat(ok.length()).isEqualTo(2048);
    String id = store.createExperiment("loc", ok, Map.of());
    assertThat(store.getExperiment(id).artifactLocation()).isEqualTo(ok);
    String tooLong = "file:///MARK" + "a".repeat(2037);
    assertThat(tooLong.length()).isEqualTo(2049);
    assertExperimentRejected(
        () -> store.createExperiment("loc2", tooLong, Map.of()), InvalidParameterException.class, "MARK", "2049");
    assertExperimentRejected(
        () -> store.createExperiment("loc3", "runs:/abc/model", Map.of()),
        InvalidParameterException.class,
        "runs:/abc/model");
  }

  // ---- datasets --------------------------------------------------------------------------------

  enum DatasetField {
    NAME(500),
    DIGEST(36),
    SOURCE(65535),
    SCHEMA(1048575),
    PROFILE(16777215),
    INPUT_TAG_KEY(255),
    INPUT_TAG_VALUE(500);

    final int limit;

    DatasetField(int limit) {
      this.limit = limit;
    }

    DatasetInput with(String s) {
      String name = this == NAME ? s : "ds";
      String digest = this == DIGEST ? s : "d1";
      String source = this == SOURCE ? s : "file:///data";
      String schema = this == SCHEMA ? s : null;
      String profile = this == PROFILE ? s : null;
      String tagKey = this == INPUT_TAG_KEY ? s : InputTag.CONTEXT;
      String tagValue = this == INPUT_TAG_VALUE ? s : "training";
      return new DatasetInput(
          new Dataset(name, digest, "local", source, schema, profile), List.of(new InputTag(tagKey, tagValue)));
    }
  }

  @ParameterizedTest
  @EnumSource(DatasetField.class)
  void dataset_fieldAtLimitAccepted_overLimitRejected(DatasetField field) {
    String tooLong = marked(field.limit + 1);
    assertRejectedUnchanged(
        () -> run.logInputs(List.of(field.with(tooLong))),
        InvalidParameterException.class,
        "MARK",
        String.valueOf(field.limit + 1));
    // a valid input next to the bad one is not written either
    assertRejectedUnchanged(
        () -> run.logInputs(List.of(field.with("fine"), field.with(tooLong))), InvalidParameterException.class);

    DatasetInput ok = field.with(marked(field.limit));
    run.logInput(ok);
    assertThat(store.getRun(run.runId()).inputs()).containsExactly(ok);
  }

  @Test
  void dataset_emptyNameOrDigestRejected() {
    assertRejectedUnchanged(
        () -> run.logInput(DatasetInput.of(new Dataset("", "d", "local", "s", null, null), null)),
        InvalidParameterException.class);
    assertRejectedUnchanged(
        () -> run.logInput(DatasetInput.of(new Dataset("dsname", "", "local", "s", null, null), null)),
        InvalidParameterException.class,
        "dsname");
  }

  // ---- log_batch -------------------------------------------------------------------------------

  private static List<Metric> metrics(int n) {
    List<Metric> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Metric("m" + (i % 7), i, 1000L + i, i));
    }
    return out;
  }

  private static List<Param> params(int n) {
    List<Param> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Param("p" + i, "v" + i));
    }
    return out;
  }

  private static List<RunTag> tags(int n) {
    List<RunTag> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new RunTag("t" + i, "v" + i));
    }
    return out;
  }

  @Test
  void batch_atLimitsAccepted() {
    run.logBatch(metrics(1000), List.of(), List.of());
    run.logBatch(List.of(), params(100), tags(100));
    run.logBatch(metrics(800), List.of(), tags(100).subList(0, 100)); // 900 entities
    Run r = store.getRun(run.runId());
    assertThat(r.params()).hasSize(100);
    assertThat(r.tags()).containsKeys("t0", "t99");
    assertThat(r.metrics()).hasSize(7);
  }

  @Test
  void batch_totalOf1000Accepted() {
    List<Param> ps = params(100);
    run.logBatch(metrics(800), ps, tags(100));
    assertThat(store.getRun(run.runId()).params()).hasSize(100);
  }

  @Test
  void batch_overLimitsRejectedWritingNothing() {
    assertRejectedUnchanged(
        () -> run.logBatch(metrics(1001), List.of(), List.of()), InvalidParameterException.class, "1001");
    assertRejectedUnchanged(
        () -> run.logBatch(List.of(), params(101), List.of()), InvalidParameterException.class, "101");
    assertRejectedUnchanged(
        () -> run.logBatch(List.of(), List.of(), tags(101)), InvalidParameterException.class, "101");
    assertRejectedUnchanged(
        () -> run.logBatch(metrics(801), params(100), tags(100)), InvalidParameterException.class, "1001");
    assertRejectedUnchanged(
        () -> run.logBatch(metrics(1000), params(1), List.of()), InvalidParameterException.class, "1001");
  }

  @Test
  void batch_duplicateParamKeysRejectedNamingKey() {
    assertRejectedUnchanged(
        () ->
            run.logBatch(
                metrics(3), List.of(new Param("dup", "1"), new Param("x", "1"), new Param("dup", "1")), tags(2)),
        InvalidParameterException.class,
        "dup");
    assertRejectedUnchanged(
        () -> run.logBatch(List.of(), List.of(new Param("dup", "1"), new Param("dup", "2")), List.of()),
        InvalidParameterException.class,
        "dup");
  }

  @Test
  void batch_oneInvalidEntityWritesNothingAtAll() {
    List<Metric> ms = new ArrayList<>(metrics(10));
    ms.add(new Metric("bad!key", 1.0, 1L, 0L));
    assertRejectedUnchanged(() -> run.logBatch(ms, params(5), tags(5)), InvalidParameterException.class, "bad!key");
    List<RunTag> ts = new ArrayList<>(tags(5));
    ts.add(new RunTag("late", marked(8001)));
    assertRejectedUnchanged(() -> run.logBatch(metrics(10), params(5), ts), InvalidParameterException.class, "MARK");
    List<Metric> negative = new ArrayList<>(metrics(10));
    negative.add(new Metric("neg", 1.0, -1L, 0L));
    assertRejectedUnchanged(
        () -> run.logBatch(negative, params(5), tags(5)), InvalidParameterException.class, "neg");
  }

  // ---- param immutability ----------------------------------------------------------------------

  @Test
  void param_sameValueAgain_isNoOpWithoutEvent() {
    run.logParam("lr", "0.1");
    long events = eventCount(store, run.runId());
    Run before = store.getRun(run.runId());
    run.logParam("lr", "0.1");
    assertThat(eventCount(store, run.runId())).isEqualTo(events);
    assertThat(store.getRun(run.runId())).isEqualTo(before);
    run.logBatch(List.of(), List.of(new Param("lr", "0.1")), List.of());
    assertThat(store.getRun(run.runId()).params()).containsEntry("lr", "0.1");
  }

  @Test
  void param_differentValue_rejectedNamingKeyOldAndNew() {
    run.logParam("lr", "0.1");
    assertRejectedUnchanged(
        () -> run.logParam("lr", "0.2"), InvalidParameterException.class, "lr", "0.1", "0.2");
    assertRejectedUnchanged(
        () -> run.logBatch(metrics(5), List.of(new Param("other", "x"), new Param("lr", "OLDNEW")), tags(3)),
        InvalidParameterException.class,
        "lr",
        "0.1",
        "OLDNEW");
    // a param first logged in a batch is just as immutable
    run.logBatch(List.of(), List.of(new Param("bs", "32")), List.of());
    assertRejectedUnchanged(() -> run.logParam("bs", "64"), InvalidParameterException.class, "bs", "32", "64");
  }

  @Test
  void param_immutableAcrossWriters() {
    run.logParam("lr", "0.1");
    String id = run.runId();
    run.close();
    run = store.resumeRun(id);
    assertRejectedUnchanged(() -> run.logParam("lr", "0.3"), InvalidParameterException.class, "lr", "0.1", "0.3");
  }

  // ---- ids -------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "0", "abc123", "A-b_c", "run-é-ß", "0123456789abcdef0123456789abcdef"})
  void runId_validFormats_accepted(String runId) {
    try (RunWriter w = store.startRun(RunSpec.builder(exp).runId(runId).build())) {
      assertThat(w.runId()).isEqualTo(runId);
    }
    assertThat(store.getRun(runId).info().runId()).isEqualTo(runId);
  }

  @Test
  void runId_257CharsRejected() {
    String tooLong = "a" + "b".repeat(256);
    assertRejectedUnchanged(
        () -> store.startRun(RunSpec.builder(exp).runId(tooLong).build()), InvalidParameterException.class, tooLong);
  }

  @Test
  void runId_255CharsAccepted() {
    String longest = "a" + "b".repeat(254); // the longest name a Linux directory may have
    store.startRun(RunSpec.builder(exp).runId(longest).build()).close();
    assertThat(store.getRun(longest).runId()).isEqualTo(longest);
  }

  /**
   * MLflow's pattern allows 256 characters, but a run is a directory named by its id and file names
   * are limited to 255 bytes: the store refuses such an id with a typed error naming it, and
   * registers nothing.
   */
  @ParameterizedTest
  @ValueSource(strings = {"256", "utf8"})
  void runId_longerThanAFileName_rejectedWithoutRegisteringTheRun(String kind) {
    String longest = kind.equals("256") ? "a" + "b".repeat(255) : "a" + "é".repeat(128); // 257 bytes
    List<String> before = store.runIds(exp);
    assertThatThrownBy(() -> store.startRun(RunSpec.builder(exp).runId(longest).build()))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining(longest)
        .hasMessageContaining("255 bytes");
    assertThat(store.runIds(exp)).isEqualTo(before);
    assertThatThrownBy(() -> store.getRun(longest)).isInstanceOf(RunNotFoundException.class);
    store.startRun(RunSpec.of(exp)).close(); // the store still works
  }

  @ParameterizedTest
  @ValueSource(strings = {"-abc", "_abc", "é", "abc!", "a b", "a/b", "a.b", "a:b", "a\nb", "../x", " a"})
  void runId_invalidFormats_rejected(String runId) {
    assertRejectedUnchanged(
        () -> store.startRun(RunSpec.builder(exp).runId(runId).build()), InvalidParameterException.class, runId);
    assertThatThrownBy(() -> store.getRun(runId)).isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> store.startRun(RunSpec.builder(exp).parentRunId(runId).build()))
        .isInstanceOf(InvalidParameterException.class);
  }

  @Test
  void runId_empty_rejected() {
    assertRejectedUnchanged(
        () -> store.startRun(RunSpec.builder(exp).runId("").build()), InvalidParameterException.class);
  }

  @Test
  void runId_taken_rejected() {
    assertRejectedUnchanged(
        () -> store.startRun(RunSpec.builder(exp).runId(run.runId()).build()),
        ResourceAlreadyExistsException.class,
        run.runId());
  }

  @Test
  void runId_unknown_runNotFound() {
    String unknown = "0123456789abcdef0123456789abcdef";
    assertThatThrownBy(() -> store.getRun(unknown)).isInstanceOf(RunNotFoundException.class).hasMessageContaining(unknown);
    assertThatThrownBy(() -> store.resumeRun(unknown)).isInstanceOf(RunNotFoundException.class);
    assertThatThrownBy(() -> store.deleteRun(unknown)).isInstanceOf(RunNotFoundException.class);
    assertThatThrownBy(() -> store.restoreRun(unknown)).isInstanceOf(RunNotFoundException.class);
    assertThatThrownBy(() -> store.updateRun(unknown, RunStatus.FINISHED, 1L))
        .isInstanceOf(RunNotFoundException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "_x", "a b", "x!", "é", "1.5", ""})
  void experimentId_invalidFormat_rejected(String id) {
    assertThatThrownBy(() -> store.getExperiment(id)).isInstanceOf(InvalidParameterException.class);
    assertRejectedUnchanged(() -> store.startRun(RunSpec.of(id)), InvalidParameterException.class);
    assertExperimentRejected(
        () -> store.importExperiment(new Experiment(id, "imp", "file:///x", LifecycleStage.ACTIVE, 1, 1, Map.of())),
        InvalidParameterException.class);
  }

  @Test
  void experimentId_64CharsValidFormat_65Rejected() {
    String longest = "e" + "1".repeat(63);
    assertThatThrownBy(() -> store.getExperiment(longest))
        .isInstanceOf(ExperimentNotFoundException.class)
        .hasMessageContaining(longest);
    store.importExperiment(new Experiment(longest, "imp", "file:///x", LifecycleStage.ACTIVE, 1, 1, Map.of()));
    assertThat(store.getExperiment(longest).name()).isEqualTo("imp");
    String tooLong = longest + "1";
    assertThatThrownBy(() -> store.getExperiment(tooLong))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining(tooLong);
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Every kind of write to a run. */
  enum RunWrite {
    METRIC(w -> w.logMetric("m", 1.0, 1L, 0L)),
    PARAM(w -> w.logParam("p", "v")),
    TAG(w -> w.setTag("t", "v")),
    DELETE_TAG(w -> w.deleteTag("existing")),
    RENAME(w -> w.setName("renamed")),
    BATCH(w -> w.logBatch(List.of(new Metric("m", 1.0, 1L, 0L)), List.of(new Param("p", "v")), List.of())),
    INPUTS(w -> w.logInput(DatasetInput.of(new Dataset("ds", "d1", "local", "s", null, null), "training"))),
    END(w -> w.end(RunStatus.FINISHED, 5L)),
    UPDATE_STATUS(w -> w.updateStatus(RunStatus.KILLED, 5L));

    final Consumer<RunWriter> write;

    RunWrite(Consumer<RunWriter> write) {
      this.write = write;
    }
  }

  @ParameterizedTest
  @EnumSource(RunWrite.class)
  void deletedRun_rejectsEveryWrite_untilRestored(RunWrite write) {
    run.setTag("existing", "x");
    store.deleteRun(run.runId());
    assertRejectedUnchanged(() -> write.write.accept(run), RunNotActiveException.class, run.runId());
    assertThat(store.getRun(run.runId()).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);

    store.restoreRun(run.runId());
    assertThatCode(() -> write.write.accept(run)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @EnumSource(RunWrite.class)
  void runInDeletedExperiment_rejectsEveryWrite_untilRestored(RunWrite write) {
    run.setTag("existing", "x");
    store.deleteExperiment(exp);
    assertRejectedUnchanged(() -> write.write.accept(run), RunNotActiveException.class, run.runId());
    store.restoreExperiment(exp);
    assertThatCode(() -> write.write.accept(run)).doesNotThrowAnyException();
  }

  @Test
  void deletedRun_rejectsWritesThroughStoreAndResume() {
    String id = run.runId();
    run.close();
    store.deleteRun(id);
    assertRejectedUnchanged(() -> store.updateRun(id, RunStatus.FINISHED, 9L), RunNotActiveException.class, id);
    assertRejectedUnchanged(() -> store.resumeRun(id), RunNotActiveException.class, id);
    store.restoreRun(id);
    run = store.resumeRun(id);
    run.logMetric("m", 2.0, 1L, 0L);
    assertThat(store.getRun(id).metric("m")).isEqualTo(2.0);
  }

  @Test
  void deletedRun_isStillReadable() {
    run.logParam("p", "v");
    store.deleteRun(run.runId());
    store.deleteRun(run.runId()); // twice is a no-op
    Run r = store.getRun(run.runId());
    assertThat(r.params()).containsEntry("p", "v");
    assertThat(r.info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
  }

  @Test
  void unknownExperiment_notFound() {
    assertThatThrownBy(() -> store.getExperiment("999"))
        .isInstanceOf(ExperimentNotFoundException.class)
        .hasMessageContaining("999");
    assertRejectedUnchanged(() -> store.startRun(RunSpec.of("999")), ExperimentNotFoundException.class, "999");
    assertExperimentRejected(() -> store.renameExperiment("999", "x"), ExperimentNotFoundException.class, "999");
    assertExperimentRejected(() -> store.deleteExperiment("999"), ExperimentNotFoundException.class, "999");
    assertExperimentRejected(() -> store.restoreExperiment("999"), ExperimentNotFoundException.class, "999");
    assertExperimentRejected(() -> store.setExperimentTag("999", "k", "v"), ExperimentNotFoundException.class, "999");
    assertThat(store.findExperimentByName("nope")).isEmpty();
  }

  @Test
  void startRun_inDeletedExperiment_invalidState() {
    store.deleteExperiment(exp);
    assertRejectedUnchanged(() -> store.startRun(RunSpec.of(exp)), InvalidStateException.class, exp);
    assertExperimentRejected(
        () -> store.setExperimentTag(exp, "k", "v"), InvalidParameterException.class, exp);
  }

  @Test
  void experimentName_duplicate_rejectedAlsoAgainstDeleted() {
    assertExperimentRejected(() -> store.createExperiment("exp"), ResourceAlreadyExistsException.class, "exp");
    String gone = store.createExperiment("gone");
    store.deleteExperiment(gone);
    assertExperimentRejected(() -> store.createExperiment("gone"), ResourceAlreadyExistsException.class, "gone");
    assertExperimentRejected(
        () -> store.importExperiment(new Experiment("777", "gone", "file:///x", LifecycleStage.ACTIVE, 1, 1, Map.of())),
        ResourceAlreadyExistsException.class,
        "gone");
    assertExperimentRejected(
        () -> store.importExperiment(new Experiment(exp, "fresh", "file:///x", LifecycleStage.ACTIVE, 1, 1, Map.of())),
        ResourceAlreadyExistsException.class,
        exp);
    assertExperimentRejected(
        () -> store.createExperiment(Experiment.DEFAULT_NAME), ResourceAlreadyExistsException.class, "Default");
  }

  @Test
  void renameExperiment_toTakenName_rejected() {
    String other = store.createExperiment("other");
    assertExperimentRejected(() -> store.renameExperiment(other, "exp"), ResourceAlreadyExistsException.class, "exp");
    String gone = store.createExperiment("gone");
    store.deleteExperiment(gone);
    assertExperimentRejected(() -> store.renameExperiment(other, "gone"), ResourceAlreadyExistsException.class, "gone");
    store.renameExperiment(other, "other"); // to its own name: a no-op
    store.renameExperiment(other, "free");
    assertThat(store.getExperiment(other).name()).isEqualTo("free");
    assertThat(store.findExperimentByName("other")).isEmpty();
    assertThat(store.createExperiment("other")).isNotEqualTo(other); // the old name is free again
  }

  @Test
  void renameExperiment_deleted_rejected() {
    store.deleteExperiment(exp);
    assertExperimentRejected(() -> store.renameExperiment(exp, "new"), InvalidStateException.class);
  }

  @Test
  void deleteExperiment_default_rejected_andDeletedTwiceRejected() {
    assertExperimentRejected(() -> store.deleteExperiment("0"), InvalidStateException.class, "0");
    store.deleteExperiment(exp);
    assertExperimentRejected(() -> store.deleteExperiment(exp), InvalidStateException.class, exp);
    store.restoreExperiment(exp);
    assertExperimentRejected(() -> store.restoreExperiment(exp), InvalidStateException.class, exp);
  }

  @Test
  void runNameAndRunNameTag_conflictRejected_agreementAccepted() {
    assertRejectedUnchanged(
        () -> store.startRun(RunSpec.builder(exp).runName("a").tag(SystemTags.RUN_NAME, "b").build()),
        InvalidParameterException.class,
        "'a'",
        "'b'");
    try (RunWriter w = store.startRun(RunSpec.builder(exp).runName("same").tag(SystemTags.RUN_NAME, "same").build())) {
      assertThat(store.getRun(w.runId()).info().runName()).isEqualTo("same");
    }
    try (RunWriter w = store.startRun(RunSpec.builder(exp).tag(SystemTags.RUN_NAME, "fromTag").build())) {
      Run r = store.getRun(w.runId());
      assertThat(r.info().runName()).isEqualTo("fromTag");
      assertThat(r.tags()).containsEntry(SystemTags.RUN_NAME, "fromTag");
    }
  }

  @Test
  void runNameTag_renamesRun() {
    run.setTag(SystemTags.RUN_NAME, "second");
    assertThat(store.getRun(run.runId()).info().runName()).isEqualTo("second");
    run.logBatch(List.of(), List.of(), List.of(new RunTag(SystemTags.RUN_NAME, "third")));
    Run r = store.getRun(run.runId());
    assertThat(r.info().runName()).isEqualTo("third");
    assertThat(r.tags()).containsEntry(SystemTags.RUN_NAME, "third");
    run.setName("fourth");
    r = store.getRun(run.runId());
    assertThat(r.info().runName()).isEqualTo("fourth");
    assertThat(r.tags()).containsEntry(SystemTags.RUN_NAME, "fourth");
  }

  @Test
  void deleteTag_missing_tagNotFound() {
    assertRejectedUnchanged(() -> run.deleteTag("absent"), TagNotFoundException.class, "absent", run.runId());
    run.setTag("present", "x");
    run.deleteTag("present");
    assertThat(store.getRun(run.runId()).tags()).doesNotContainKey("present");
    assertRejectedUnchanged(() -> run.deleteTag("present"), TagNotFoundException.class, "present");
    assertRejectedUnchanged(() -> run.deleteTag("bad!key"), InvalidParameterException.class, "bad!key");
  }

  @Test
  void deleteExperimentTag_missing_rejected() {
    // MLflow answers RESOURCE_DOES_NOT_EXIST here; Tracklog's code is checked nowhere yet (see report).
    assertExperimentRejected(() -> store.deleteExperimentTag(exp, "absent"), RuntimeException.class, "absent", exp);
    store.setExperimentTag(exp, "k", "v");
    store.deleteExperimentTag(exp, "k");
    assertThat(store.getExperiment(exp).tags()).doesNotContainKey("k");
  }

  @Test
  void endTime_andStartTime_negativeRejected() {
    assertRejectedUnchanged(() -> run.end(RunStatus.FINISHED, -1L), InvalidParameterException.class, "-1");
    assertRejectedUnchanged(
        () -> store.startRun(RunSpec.builder(exp).startTime(-1L).build()), InvalidParameterException.class, "-1");
    assertThatThrownBy(() -> run.end(RunStatus.RUNNING)).isInstanceOf(IllegalArgumentException.class);
    assertRejectedUnchanged(
        () -> store.updateRun(run.runId(), RunStatus.FINISHED, -2L), InvalidParameterException.class, "-2");
    String id = run.runId();
    run.close(); // without a writer, store.updateRun writes to the log itself
    assertRejectedUnchanged(() -> store.updateRun(id, RunStatus.FINISHED, -3L), InvalidParameterException.class, "-3");
  }
}
