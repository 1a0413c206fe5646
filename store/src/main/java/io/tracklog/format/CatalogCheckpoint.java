package io.tracklog.format;

import io.tracklog.Experiment;
import io.tracklog.LifecycleStage;
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
 * The catalog folded up to a position, saved so that opening a store replays only the log past it
 * (docs/FORMAT.md §Catalog checkpoint). The log stays the source of truth: a checkpoint names the
 * last event it folded (its log position, the log's own token for it, its length and CRC32C), and a
 * store uses it only if its catalog log still holds that very event there; otherwise, or if the
 * file fails its checksum or any check below, the whole log is replayed.
 *
 * <p>Runs are stored sorted by id, so a restored catalog looks them up by binary search instead of
 * hashing every run id at open.
 */
public final class CatalogCheckpoint {
  /** The first eight bytes of a checkpoint file. */
  static final byte[] MAGIC = "TLCATCKP".getBytes(StandardCharsets.US_ASCII);
  /** The format version written and read. */
  public static final int VERSION = 2;

  private final String storeId;
  private final Anchor anchor;
  private final List<Experiment> experiments;
  private final Map<String, String> idsByName;
  private final CatalogSnapshot.RunEntry[] runsByOrdinal;
  private final CatalogSnapshot.RunEntry[] runsById;
  private final List<CatalogSnapshot.Reopening> reopenings;
  private final Map<String, String[]> runIdsByExperiment;

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
      return event != null
          && event.remaining() == length
          && event.crc32c() == crc32c;
    }
  }

  private CatalogCheckpoint(
      String storeId,
      Anchor anchor,
      List<Experiment> experiments,
      Map<String, String> idsByName,
      CatalogSnapshot.RunEntry[] runsByOrdinal,
      CatalogSnapshot.RunEntry[] runsById,
      List<CatalogSnapshot.Reopening> reopenings,
      Map<String, String[]> runIdsByExperiment) {
    this.storeId = storeId;
    this.runIdsByExperiment = runIdsByExperiment;
    this.anchor = anchor;
    this.experiments = experiments;
    this.idsByName = idsByName;
    this.runsByOrdinal = runsByOrdinal;
    this.runsById = runsById;
    this.reopenings = reopenings;
  }

  public String storeId() {
    return storeId;
  }

  public Anchor anchor() {
    return anchor;
  }

  /** How many catalog events it folded. */
  public long position() {
    return anchor.position();
  }

  List<Experiment> experiments() {
    return experiments;
  }

  Map<String, String> idsByName() {
    return idsByName;
  }

  CatalogSnapshot.RunEntry[] runsByOrdinal() {
    return runsByOrdinal;
  }

  CatalogSnapshot.RunEntry[] runsById() {
    return runsById;
  }

  List<CatalogSnapshot.Reopening> reopenings() {
    return reopenings;
  }

  /** The run ids of each experiment that has runs, in registration order. */
  Map<String, String[]> runIdsByExperiment() {
    return runIdsByExperiment;
  }

  /**
   * Encodes a catalog (which must have folded exactly {@code anchor.position()} events) with the
   * anchor of its last event.
   *
   * @param names {@link CatalogState#idsByName()} at the same position
   */
  public static byte[] encode(String storeId, Anchor anchor, CatalogSnapshot snap, Map<String, String> names) {
    if (snap.position() != anchor.position() || anchor.position() < 1) {
      throw new IllegalArgumentException(
          "catalog at " + snap.position() + " does not match anchor at " + anchor.position());
    }
    ByteSink out = new ByteSink(64 + snap.runCount() * 48);
    for (byte b : MAGIC) {
      out.writeByte(b);
    }
    out.writeByte(VERSION);
    out.writeString(storeId);
    out.writeVarLong(anchor.position());
    out.writeLong(anchor.logToken());
    out.writeVarLong(anchor.length());
    out.writeVarLong(Integer.toUnsignedLong(anchor.crc32c()));

    Map<String, Integer> expIndex = new HashMap<>();
    out.writeVarLong(snap.experiments().size());
    for (Experiment e : snap.experiments().values()) {
      expIndex.put(e.experimentId(), expIndex.size());
      out.writeString(e.experimentId());
      out.writeString(e.name());
      out.writeString(e.artifactLocation());
      out.writeByte(e.lifecycleStage() == LifecycleStage.ACTIVE ? 0 : 1);
      out.writeVarLong(e.creationTime());
      out.writeVarLong(e.lastUpdateTime());
      out.writeVarLong(e.tags().size());
      e.tags().forEach((k, v) -> {
        out.writeString(k);
        out.writeString(v);
      });
    }
    out.writeVarLong(names.size());
    for (Map.Entry<String, String> n : new TreeMap<>(names).entrySet()) {
      out.writeString(n.getKey());
      out.writeVarLong(expIndex.get(n.getValue()));
    }

    CatalogSnapshot.RunEntry[] byId = snap.runs().toArray(new CatalogSnapshot.RunEntry[0]);
    Arrays.sort(byId, (a, b) -> a.runId().compareTo(b.runId()));
    out.writeVarLong(byId.length);
    for (CatalogSnapshot.RunEntry r : byId) {
      out.writeString(r.runId());
      out.writeVarLong(expIndex.get(r.experimentId()));
      out.writeVarLong(r.ordinal());
      out.writeVarLong(r.position());
      out.writeZigZag(r.lane());
      out.writeZigZag(r.laneToken());
    }

    List<CatalogSnapshot.Reopening> reopened = snap.reopenings();
    out.writeVarLong(reopened.size());
    for (CatalogSnapshot.Reopening r : reopened) {
      out.writeVarLong(snap.run(r.runId()).ordinal());
      out.writeVarLong(r.position());
      out.writeZigZag(r.lane());
      out.writeZigZag(r.laneToken());
    }
    int crc = crc(out.array(), 0, out.length());
    for (int i = 0; i < 4; i++) {
      out.writeByte(crc >>> (8 * i));
    }
    return out.toByteArray();
  }

  /**
   * Decodes and checks a checkpoint file's bytes.
   *
   * @throws DecodeException if they are not a whole, consistent checkpoint of this version
   */
  public static CatalogCheckpoint decode(byte[] bytes) {
    if (bytes.length < MAGIC.length + 5 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new DecodeException("not a catalog checkpoint");
    }
    int end = bytes.length - 4;
    int stored =
        (bytes[end] & 0xFF) | (bytes[end + 1] & 0xFF) << 8 | (bytes[end + 2] & 0xFF) << 16 | (bytes[end + 3] & 0xFF) << 24;
    if (crc(bytes, 0, end) != stored) {
      throw new DecodeException("catalog checkpoint fails its CRC32C");
    }
    ByteSource in = new ByteSource(bytes, MAGIC.length, end - MAGIC.length);
    int version = in.readByte();
    if (version != VERSION) {
      throw new DecodeException("catalog checkpoint version " + version + ", not " + VERSION);
    }
    String storeId = in.readString();
    long position = in.readVarLong();
    long token = in.readLong();
    long length = in.readVarLong();
    long crc = in.readVarLong();
    if (position < 1 || length > Integer.MAX_VALUE || crc > 0xFFFFFFFFL) {
      throw new DecodeException("invalid catalog checkpoint anchor");
    }
    Anchor anchor = new Anchor(position, token, (int) length, (int) crc);

    int experimentCount = in.readCount();
    List<Experiment> experiments = new ArrayList<>(experimentCount);
    Map<String, Experiment> byId = new HashMap<>();
    for (int i = 0; i < experimentCount; i++) {
      String id = in.readString();
      String name = in.readString();
      String location = in.readString();
      int stage = in.readByte();
      if (stage > 1) {
        throw new DecodeException("invalid lifecycle stage " + stage);
      }
      long created = in.readVarLong();
      long updated = in.readVarLong();
      int tagCount = in.readCount();
      Map<String, String> tags = new LinkedHashMap<>();
      for (int t = 0; t < tagCount; t++) {
        tags.put(in.readString(), in.readString());
      }
      Experiment e =
          new Experiment(
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
      idsByName.put(name, experiments.get(index(in, experimentCount)).experimentId());
    }

    int runCount = in.readCount();
    CatalogSnapshot.RunEntry[] byOrdinal = new CatalogSnapshot.RunEntry[runCount];
    CatalogSnapshot.RunEntry[] sorted = new CatalogSnapshot.RunEntry[runCount];
    int[] perExperiment = new int[experimentCount];
    int[] experimentOf = new int[runCount]; // by ordinal, as the two below: checked and grouped
    String[] idOf = new String[runCount]; // after the loop without chasing entries
    long[] positionOf = new long[runCount];
    String previous = null;
    for (int i = 0; i < runCount; i++) {
      String runId = in.readString();
      int experiment = index(in, experimentCount);
      perExperiment[experiment]++;
      String experimentId = experiments.get(experiment).experimentId();
      int ordinal = index(in, runCount);
      long at = in.readVarLong();
      int lane = lane(in);
      long laneToken = in.readZigZag();
      if (previous != null && previous.compareTo(runId) >= 0) {
        throw new DecodeException("catalog checkpoint runs are not sorted by id");
      }
      if (byOrdinal[ordinal] != null) {
        throw new DecodeException("run ordinal " + ordinal + " twice in catalog checkpoint");
      }
      CatalogSnapshot.RunEntry r = new CatalogSnapshot.RunEntry(runId, experimentId, ordinal, at, lane, laneToken);
      byOrdinal[ordinal] = r;
      sorted[i] = r;
      experimentOf[ordinal] = experiment;
      idOf[ordinal] = runId;
      positionOf[ordinal] = at;
      previous = runId;
    }
    long lastAt = -1;
    for (long at : positionOf) { // every ordinal once (count = length, no repeats)
      if (at <= lastAt || at >= position) {
        throw new DecodeException("catalog checkpoint run positions out of order");
      }
      lastAt = at;
    }

    int reopenCount = in.readCount();
    List<CatalogSnapshot.Reopening> reopenings = new ArrayList<>(reopenCount);
    Map<String, CatalogSnapshot.Reopening> last = new HashMap<>();
    lastAt = -1;
    for (int i = 0; i < reopenCount; i++) {
      CatalogSnapshot.RunEntry run = byOrdinal[index(in, runCount)];
      long at = in.readVarLong();
      int lane = lane(in);
      long laneToken = in.readZigZag();
      if (at <= lastAt || at >= position || at <= run.position()) {
        throw new DecodeException("catalog checkpoint reopenings out of order");
      }
      lastAt = at;
      CatalogSnapshot.Reopening r = new CatalogSnapshot.Reopening(run.runId(), at, last.get(run.runId()), lane, laneToken);
      last.put(run.runId(), r);
      reopenings.add(r);
    }
    in.expectEnd();
    String[][] ids = new String[experimentCount][];
    for (int i = 0; i < experimentCount; i++) {
      ids[i] = new String[perExperiment[i]];
    }
    int[] filled = new int[experimentCount];
    for (int ordinal = 0; ordinal < runCount; ordinal++) {
      int experiment = experimentOf[ordinal];
      ids[experiment][filled[experiment]++] = idOf[ordinal];
    }
    Map<String, String[]> byExperiment = new HashMap<>();
    for (int i = 0; i < experimentCount; i++) {
      if (ids[i].length > 0) {
        byExperiment.put(experiments.get(i).experimentId(), ids[i]);
      }
    }
    return new CatalogCheckpoint(
        storeId, anchor, List.copyOf(experiments), idsByName, byOrdinal, sorted, List.copyOf(reopenings), byExperiment);
  }

  /**
   * The position a checkpoint names, from the first bytes of its file (unchecked: the checksum
   * covers the whole file), for deciding whether a new one is worth writing.
   *
   * @throws DecodeException if they do not start a checkpoint
   */
  public static long headerPosition(byte[] head) {
    if (head.length < MAGIC.length + 1 || !Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new DecodeException("not a catalog checkpoint");
    }
    ByteSource in = new ByteSource(head, MAGIC.length, head.length - MAGIC.length);
    if (in.readByte() != VERSION) {
      throw new DecodeException("unknown catalog checkpoint version");
    }
    in.readString();
    return in.readVarLong();
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
