package io.tracklog.format;

import io.tracklog.Experiment;
import io.tracklog.LifecycleStage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * One part of the catalog's checkpoint (docs/FORMAT.md §Catalog checkpoint): what the catalog events
 * {@code [from, position)} did, so that opening a store restores a chain of parts covering {@code [0,
 * p)} and replays only the log past {@code p}. The log stays the source of truth: a part names the
 * last event it folded (its log position, the log's own token for it, its length and CRC32C), and a
 * store uses a chain only if its catalog log still holds the last part's event there.
 *
 * <p>A part is read in place, so restoring a store of a million runs decodes no run: the runs
 * registered in the part sit in fixed-width columns (by registration order) next to their ids,
 * sorted by UTF-8 bytes for binary search; an entry is built when asked for, once. What is small is
 * decoded at once: the experiments as of {@code position}, their names, and the part's reopenings.
 *
 * <p>Runs registered in the catalog never change (a run keeps its experiment, lane and token), so
 * parts of a chain never contradict each other and a newer part holds only what is newer.
 */
public final class CatalogCheckpoint {
  /** The first eight bytes of a checkpoint file. */
  static final byte[] MAGIC = "TLCATCKP".getBytes(StandardCharsets.US_ASCII);
  /**
   * The format version written: 5 adds the lanes' recorded ends (LaneForced). Parts of version 4
   * are read too, with no lane ends (the code that wrote them never appended LaneForced); 3, without
   * what {@code tracklog gc} purged, and 2, one whole file, are no longer read: the log is replayed.
   */
  public static final int VERSION = 5;
  /** The oldest version read. */
  static final int OLDEST_READ = 4;
  /** The lifecycle byte of an experiment that was purged: kept for its id only. */
  private static final int PURGED_EXPERIMENT = 2;
  private static final int PREFIX = MAGIC.length + 1 + 4; // magic, version, header length

  private final String storeId;
  private final long from;
  private final int firstOrdinal;
  private final Anchor anchor;
  private final List<Experiment> experiments;
  private final Map<String, String> idsByName;
  private final List<Reopened> reopenings;
  private final List<String> purgedRuns; // every run purged as of position
  private final java.util.Set<String> purgedExperiments; // every experiment purged as of position
  private final long lastPurge; // position of the last Purged event, or -1
  private final Map<Integer, Long> laneEnds; // as of position, by lane
  private final Map<Integer, Integer> runsPerExperiment; // experiment index → runs in this part
  private final int runCount;
  private final ByteBuffer columns; // little-endian, position 0 = the first column
  private final int sortedOrdinalAt;
  private final int sortedIndexAt;
  private final int experimentAt;
  private final int positionAt;
  private final int laneAt;
  private final int tokenAt;
  private final int heapAt;
  private final int heapLength;
  private final CatalogSnapshot.RunEntry[] built; // entries built so far, by ordinal in the part

  /**
   * The last event a checkpoint folded.
   *
   * @param position events folded: the event's log position plus one
   * @param logToken the log's token for the event ({@code EventReader.lastToken})
   * @param length the event's length in bytes
   * @param crc32c the CRC32C of its bytes
   */
  public record Anchor(long position, long logToken, int length, int crc32c) {
    /** The anchor of an event read at {@code position - 1}. */
    public static Anchor of(long position, long logToken, byte[] buf, int offset, int length) {
      return new Anchor(position, logToken, length, crc(buf, offset, length));
    }

    /** True if {@code event} (its remaining bytes) is the event this anchor names. */
    public boolean matches(ByteSource event) {
      return event != null && event.remaining() == length && event.crc32c() == crc32c;
    }
  }

  /** A RunReopened event of the part's range. */
  record Reopened(String runId, long position, int lane, long laneToken) {}

  private CatalogCheckpoint(
      String storeId,
      long from,
      int firstOrdinal,
      Anchor anchor,
      List<Experiment> experiments,
      Map<String, String> idsByName,
      List<Reopened> reopenings,
      List<String> purgedRuns,
      java.util.Set<String> purgedExperiments,
      long lastPurge,
      Map<Integer, Long> laneEnds,
      Map<Integer, Integer> runsPerExperiment,
      int runCount,
      ByteBuffer columns,
      int heapLength) {
    this.purgedRuns = purgedRuns;
    this.purgedExperiments = purgedExperiments;
    this.lastPurge = lastPurge;
    this.laneEnds = laneEnds;
    this.storeId = storeId;
    this.from = from;
    this.firstOrdinal = firstOrdinal;
    this.anchor = anchor;
    this.experiments = experiments;
    this.idsByName = idsByName;
    this.reopenings = reopenings;
    this.runsPerExperiment = runsPerExperiment;
    this.runCount = runCount;
    this.columns = columns;
    this.heapLength = heapLength;
    int n = runCount;
    this.sortedOrdinalAt = 4 * (n + 1);
    this.sortedIndexAt = sortedOrdinalAt + 4 * n;
    this.experimentAt = sortedIndexAt + 4 * n;
    this.positionAt = experimentAt + 4 * n;
    this.laneAt = positionAt + 8 * n;
    this.tokenAt = laneAt + 4 * n;
    this.heapAt = tokenAt + 8 * n;
    this.built = new CatalogSnapshot.RunEntry[n];
  }

  /** Bytes of the fixed-width columns and the id heap for {@code runs} runs. */
  private static long columnBytes(long runs, long heapLength) {
    return 4 * (runs + 1) + 4 * runs * 4 + 8 * runs * 2 + heapLength;
  }

  public String storeId() {
    return storeId;
  }

  public Anchor anchor() {
    return anchor;
  }

  /** The first catalog event the part covers. */
  public long from() {
    return from;
  }

  /** How many catalog events the part and those before it folded: the end of its range. */
  public long position() {
    return anchor.position();
  }

  /** Runs registered before {@code from}: the catalog ordinal of the part's first run. */
  int firstOrdinal() {
    return firstOrdinal;
  }

  /** Runs registered in the part's range. */
  int runCount() {
    return runCount;
  }

  /**
   * The experiments as of {@link #position()}, in creation order, then the purged ones (whose
   * entries hold only their id: see {@link #purgedExperiments()}).
   */
  List<Experiment> experiments() {
    return experiments;
  }

  /** Every run purged as of {@link #position()}. */
  List<String> purgedRuns() {
    return purgedRuns;
  }

  /** Every experiment purged as of {@link #position()} (in {@link #experiments()} as placeholders). */
  java.util.Set<String> purgedExperiments() {
    return purgedExperiments;
  }

  /** The position of the last Purged event as of {@link #position()}, or -1. */
  long lastPurge() {
    return lastPurge;
  }

  /** Each lane's recorded end as of {@link #position()} (see {@link CatalogSnapshot#laneEnd}). */
  Map<Integer, Long> laneEnds() {
    return laneEnds;
  }

  Map<String, String> idsByName() {
    return idsByName;
  }

  /** The reopenings of the part's range, in catalog order. */
  List<Reopened> reopenings() {
    return reopenings;
  }

  /** How many of the part's runs each experiment (by index in {@link #experiments()}) has. */
  Map<Integer, Integer> runsPerExperiment() {
    return runsPerExperiment;
  }

  /** The index in {@link #experiments()} of the experiment of the part's {@code i}-th run. */
  int experimentIndex(int i) {
    return columns.getInt(experimentAt + 4 * i);
  }

  /** The part's {@code i}-th run (in registration order), built on first use. */
  CatalogSnapshot.RunEntry run(int i) {
    if (i < 0 || i >= runCount) {
      throw new DecodeException("run ordinal " + i + " out of range in catalog checkpoint");
    }
    CatalogSnapshot.RunEntry e = built[i];
    if (e == null) {
      int experiment = experimentIndex(i);
      if (experiment < 0 || experiment >= experiments.size()) {
        throw new DecodeException("experiment index " + experiment + " out of range in catalog checkpoint");
      }
      int lane = columns.getInt(laneAt + 4 * i);
      e =
          new CatalogSnapshot.RunEntry(
              id(columns.getInt(sortedIndexAt + 4 * i)),
              experiments.get(experiment).experimentId(),
              firstOrdinal + i,
              columns.getLong(positionAt + 8 * i),
              lane,
              columns.getLong(tokenAt + 8 * i));
      built[i] = e; // immutable, so a racing reader sees it whole or builds its own
    }
    return e;
  }

  /** The run with this id (its UTF-8 bytes), or null if the part has none. */
  CatalogSnapshot.RunEntry find(byte[] utf8) {
    int lo = 0;
    int hi = runCount - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compareId(mid, utf8);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return run(columns.getInt(sortedOrdinalAt + 4 * mid));
      }
    }
    return null;
  }

  private int compareId(int sorted, byte[] key) {
    int start = idStart(sorted);
    int len = idStart(sorted + 1) - start;
    int n = Math.min(len, key.length);
    int at = heapAt + start;
    for (int i = 0; i < n; i++) {
      int c = Integer.compare(columns.get(at + i) & 0xFF, key[i] & 0xFF);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(len, key.length);
  }

  private int idStart(int sorted) {
    int at = columns.getInt(4 * sorted);
    if (at < 0 || at > heapLength) {
      throw new DecodeException("run id offset " + at + " out of range in catalog checkpoint");
    }
    return at;
  }

  private String id(int sorted) {
    if (sorted < 0 || sorted >= runCount) {
      throw new DecodeException("run index " + sorted + " out of range in catalog checkpoint");
    }
    int start = idStart(sorted);
    int end = idStart(sorted + 1);
    if (end < start) {
      throw new DecodeException("run id offsets out of order in catalog checkpoint");
    }
    byte[] bytes = new byte[end - start];
    columns.get(heapAt + start, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * Encodes what the catalog events {@code [from, snap.position())} did: {@code snap} must have folded
   * exactly {@code anchor.position()} events, and {@code names} is {@link CatalogState#idsByName()} at
   * the same position.
   */
  public static byte[] encode(
      String storeId, long from, Anchor anchor, CatalogSnapshot snap, Map<String, String> names) {
    if (snap.position() != anchor.position() || anchor.position() < 1 || from < 0 || from >= anchor.position()) {
      throw new IllegalArgumentException(
          "catalog at " + snap.position() + " does not match anchor at " + anchor.position() + " from " + from);
    }
    int firstOrdinal = snap.runCountBefore(from);
    List<CatalogSnapshot.RunEntry> runs = snap.runs().subList(firstOrdinal, snap.runCount());
    int n = runs.size();

    Map<String, Integer> expIndex = new HashMap<>();
    ByteSink head = new ByteSink(256);
    head.writeString(storeId);
    head.writeVarLong(from);
    head.writeVarLong(firstOrdinal);
    head.writeVarLong(anchor.position());
    head.writeLong(anchor.logToken());
    head.writeVarLong(anchor.length());
    head.writeVarLong(Integer.toUnsignedLong(anchor.crc32c()));
    head.writeVarLong(snap.experiments().size() + snap.purgedExperiments().size());
    for (Experiment e : snap.experiments().values()) {
      expIndex.put(e.experimentId(), expIndex.size());
      head.writeString(e.experimentId());
      head.writeString(e.name());
      head.writeString(e.artifactLocation());
      head.writeByte(e.lifecycleStage() == LifecycleStage.ACTIVE ? 0 : 1);
      head.writeVarLong(e.creationTime());
      head.writeVarLong(e.lastUpdateTime());
      head.writeVarLong(e.tags().size());
      e.tags().forEach((k, v) -> {
        head.writeString(k);
        head.writeString(v);
      });
    }
    for (String purged : snap.purgedExperiments()) { // its id only: runs of earlier parts name it
      expIndex.put(purged, expIndex.size());
      head.writeString(purged);
      head.writeString("");
      head.writeString("");
      head.writeByte(PURGED_EXPERIMENT);
      head.writeVarLong(0);
      head.writeVarLong(0);
      head.writeVarLong(0);
    }
    head.writeVarLong(names.size());
    for (Map.Entry<String, String> name : new TreeMap<>(names).entrySet()) {
      head.writeString(name.getKey());
      head.writeVarLong(expIndex.get(name.getValue()));
    }
    List<CatalogSnapshot.Reopening> reopened = new ArrayList<>();
    for (CatalogSnapshot.Reopening r : snap.reopenings()) {
      if (r.position() >= from) {
        reopened.add(r);
      }
    }
    head.writeVarLong(reopened.size());
    for (CatalogSnapshot.Reopening r : reopened) {
      head.writeString(r.runId());
      head.writeVarLong(r.position());
      head.writeZigZag(r.lane());
      head.writeZigZag(r.laneToken());
    }
    List<String> purged = new ArrayList<>(snap.purgedRuns());
    purged.sort(null);
    head.writeVarLong(purged.size());
    for (String runId : purged) {
      head.writeString(runId);
    }
    head.writeVarLong(snap.lastPurge() + 1);
    head.writeVarLong(snap.laneEnds().size());
    for (Map.Entry<Integer, Long> end : new TreeMap<>(snap.laneEnds()).entrySet()) {
      head.writeVarLong(end.getKey());
      head.writeVarLong(end.getValue());
    }
    int[] perExperiment = new int[expIndex.size()];
    int[] experimentOf = new int[n];
    byte[][] ids = new byte[n][];
    long heapLength = 0;
    for (int i = 0; i < n; i++) {
      CatalogSnapshot.RunEntry r = runs.get(i);
      experimentOf[i] = expIndex.get(r.experimentId());
      perExperiment[experimentOf[i]]++;
      ids[i] = r.runId().getBytes(StandardCharsets.UTF_8);
      heapLength += ids[i].length;
    }
    int withRuns = 0;
    for (int c : perExperiment) {
      withRuns += c > 0 ? 1 : 0;
    }
    head.writeVarLong(withRuns);
    for (int e = 0; e < perExperiment.length; e++) {
      if (perExperiment[e] > 0) {
        head.writeVarLong(e);
        head.writeVarLong(perExperiment[e]);
      }
    }
    head.writeVarLong(n);
    head.writeVarLong(heapLength);

    long size = PREFIX + head.length() + columnBytes(n, heapLength) + 4;
    if (size > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("catalog checkpoint part of " + n + " runs is too large for one file");
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(ids[a], ids[b]));
    int[] sortedIndex = new int[n];
    for (int s = 0; s < n; s++) {
      sortedIndex[order[s]] = s;
    }

    ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) VERSION).putInt(head.length()).put(head.array(), 0, head.length());
    int offset = 0;
    for (int s = 0; s < n; s++) {
      out.putInt(offset);
      offset += ids[order[s]].length;
    }
    out.putInt(offset);
    for (int s = 0; s < n; s++) {
      out.putInt(order[s]);
    }
    for (int i = 0; i < n; i++) {
      out.putInt(sortedIndex[i]);
    }
    for (int i = 0; i < n; i++) {
      out.putInt(experimentOf[i]);
    }
    for (int i = 0; i < n; i++) {
      out.putLong(runs.get(i).position());
    }
    for (int i = 0; i < n; i++) {
      out.putInt(runs.get(i).lane());
    }
    for (int i = 0; i < n; i++) {
      out.putLong(runs.get(i).laneToken());
    }
    for (int s = 0; s < n; s++) {
      out.put(ids[order[s]]);
    }
    byte[] bytes = out.array();
    out.putInt(crc(bytes, 0, out.position()));
    return bytes;
  }

  /**
   * Checks a part's bytes (its CRC32C and every length) and decodes its small sections; its runs are
   * read in place when asked for. {@code bytes} must not change afterwards (a mapped file that is
   * only ever replaced by renames).
   *
   * @throws DecodeException if they are not a whole, consistent checkpoint part of this version
   */
  public static CatalogCheckpoint decode(ByteBuffer bytes) {
    ByteBuffer buf = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    buf.position(0);
    int length = buf.limit();
    if (length < PREFIX + 4) {
      throw new DecodeException("not a catalog checkpoint: " + length + " bytes");
    }
    byte[] magic = new byte[MAGIC.length];
    buf.get(0, magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new DecodeException("not a catalog checkpoint");
    }
    int version = buf.get(MAGIC.length) & 0xFF;
    if (version < OLDEST_READ || version > VERSION) {
      throw new DecodeException("catalog checkpoint version " + version + ", not " + OLDEST_READ + " to " + VERSION);
    }
    CRC32C crc = new CRC32C();
    crc.update(buf.duplicate().position(0).limit(length - 4));
    if ((int) crc.getValue() != buf.getInt(length - 4)) {
      throw new DecodeException("catalog checkpoint fails its CRC32C");
    }
    int headLength = buf.getInt(MAGIC.length + 1);
    if (headLength < 0 || headLength > length - PREFIX - 4) {
      throw new DecodeException("invalid catalog checkpoint header length " + headLength);
    }
    byte[] headBytes = new byte[headLength];
    buf.get(PREFIX, headBytes);
    ByteSource in = ByteSource.of(headBytes);
    String storeId = in.readString();
    long from = in.readVarLong();
    long firstOrdinal = in.readVarLong();
    long position = in.readVarLong();
    long token = in.readLong();
    long eventLength = in.readVarLong();
    long eventCrc = in.readVarLong();
    if (position < 1 || from < 0 || from >= position || firstOrdinal > Integer.MAX_VALUE
        || eventLength > Integer.MAX_VALUE || eventCrc > 0xFFFFFFFFL) {
      throw new DecodeException("invalid catalog checkpoint anchor");
    }
    Anchor anchor = new Anchor(position, token, (int) eventLength, (int) eventCrc);

    int experimentCount = in.readCount();
    List<Experiment> experiments = new ArrayList<>(experimentCount);
    java.util.Set<String> purgedExperiments = new java.util.LinkedHashSet<>();
    Map<String, Experiment> byId = new HashMap<>();
    for (int i = 0; i < experimentCount; i++) {
      String id = in.readString();
      String name = in.readString();
      String location = in.readString();
      int stage = in.readByte();
      if (stage > PURGED_EXPERIMENT) {
        throw new DecodeException("invalid lifecycle stage " + stage);
      }
      if (stage == PURGED_EXPERIMENT) {
        purgedExperiments.add(id);
      } else if (!purgedExperiments.isEmpty()) {
        throw new DecodeException("catalog checkpoint lists an experiment after the purged ones");
      }
      long created = in.readVarLong();
      long updated = in.readVarLong();
      int tagCount = in.readCount();
      Map<String, String> tags = new LinkedHashMap<>();
      for (int t = 0; t < tagCount; t++) {
        tags.put(in.readString(), in.readString());
      }
      Experiment e =
          stage == PURGED_EXPERIMENT
              ? new Experiment(id, id, "", LifecycleStage.DELETED, 0, 0, Map.of())
              : new Experiment(
                  id, name, location, stage == 0 ? LifecycleStage.ACTIVE : LifecycleStage.DELETED, created, updated, tags);
      if (byId.put(id, e) != null) {
        throw new DecodeException("experiment " + id + " twice in catalog checkpoint");
      }
      experiments.add(e);
    }
    int nameCount = in.readCount();
    Map<String, String> idsByName = new HashMap<>();
    for (int i = 0; i < nameCount; i++) {
      String name = in.readString();
      String id = experiments.get(index(in, experimentCount)).experimentId();
      if (purgedExperiments.contains(id)) {
        throw new DecodeException("catalog checkpoint names purged experiment " + id);
      }
      idsByName.put(name, id);
    }
    int reopenCount = in.readCount();
    List<Reopened> reopenings = new ArrayList<>(reopenCount);
    long lastAt = from - 1;
    for (int i = 0; i < reopenCount; i++) {
      String runId = in.readString();
      long at = in.readVarLong();
      int lane = lane(in);
      long laneToken = in.readZigZag();
      if (at <= lastAt || at >= position) {
        throw new DecodeException("catalog checkpoint reopenings out of order");
      }
      lastAt = at;
      reopenings.add(new Reopened(runId, at, lane, laneToken));
    }
    int purgedCount = in.readCount();
    List<String> purgedRuns = new ArrayList<>(Math.min(purgedCount, 1 << 16));
    for (int i = 0; i < purgedCount; i++) {
      purgedRuns.add(in.readString());
    }
    long lastPurge = in.readVarLong() - 1;
    if (lastPurge >= position || lastPurge < 0 && !(purgedRuns.isEmpty() && purgedExperiments.isEmpty())) {
      throw new DecodeException("invalid last purge position in catalog checkpoint");
    }
    Map<Integer, Long> laneEnds = new TreeMap<>();
    int laneCount = version >= 5 ? in.readCount() : 0;
    for (int i = 0; i < laneCount; i++) {
      long lane = in.readVarLong();
      long end = in.readVarLong();
      if (lane < 0 || lane > 1_000_000 || end < 0 || laneEnds.put((int) lane, end) != null) {
        throw new DecodeException("invalid lane end in catalog checkpoint");
      }
    }
    int groups = in.readCount();
    Map<Integer, Integer> perExperiment = new LinkedHashMap<>();
    long counted = 0;
    for (int i = 0; i < groups; i++) {
      int experiment = index(in, experimentCount);
      long count = in.readVarLong();
      if (count < 1 || count > Integer.MAX_VALUE || perExperiment.put(experiment, (int) count) != null) {
        throw new DecodeException("invalid run count of an experiment in catalog checkpoint");
      }
      counted += count;
    }
    long runCount = in.readVarLong();
    long heapLength = in.readVarLong();
    in.expectEnd();
    if (runCount != counted || runCount > Integer.MAX_VALUE || heapLength > Integer.MAX_VALUE
        || PREFIX + headLength + columnBytes(runCount, heapLength) + 4 != length) {
      throw new DecodeException("catalog checkpoint columns do not fill the file");
    }
    ByteBuffer columns = buf.slice(PREFIX + headLength, length - PREFIX - headLength - 4).order(ByteOrder.LITTLE_ENDIAN);
    return new CatalogCheckpoint(
        storeId,
        from,
        (int) firstOrdinal,
        anchor,
        List.copyOf(experiments),
        idsByName,
        List.copyOf(reopenings),
        List.copyOf(purgedRuns),
        java.util.Collections.unmodifiableSet(purgedExperiments),
        lastPurge,
        java.util.Collections.unmodifiableMap(laneEnds),
        perExperiment,
        (int) runCount,
        columns,
        (int) heapLength);
  }

  /** As {@link #decode(ByteBuffer)}, of an array. */
  public static CatalogCheckpoint decode(byte[] bytes) {
    return decode(ByteBuffer.wrap(bytes));
  }

  private static int index(ByteSource in, int bound) {
    long i = in.readVarLong();
    if (i < 0 || i >= bound) {
      throw new DecodeException("index " + i + " out of range " + bound);
    }
    return (int) i;
  }

  static int crc(byte[] buf, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(buf, offset, length);
    return (int) crc.getValue();
  }

  private static int lane(ByteSource in) {
    long lane = in.readZigZag();
    if (lane < -1 || lane > 1_000_000) {
      throw new DecodeException("lane out of range in catalog checkpoint: " + lane);
    }
    return (int) lane;
  }
}
