package io.tracklog.compact;

import io.tracklog.format.FileNames;
import io.tracklog.error.CorruptFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * A segment's run index file, {@code runs-index-<generation>.bin} (docs/FORMAT.md §Run index): the
 * segment's runs sorted by the unsigned bytes of their UTF-8 ids, each with its coverage, in a
 * layout that is searched in place, so a manifest need not list every run. Little-endian:
 *
 * <pre>
 * 0            magic "TLRI", u32 version (1), u32 count n, u32 heap length h
 * 16           n × i64      seq: events covered, per run
 * 16 + 8n      (n+1) × u32  offsets: run i's id is heap[offset[i], offset[i+1])
 * 20 + 12n     n × u8       flags: 1 sealed, 0 not
 * 20 + 13n     h bytes      heap: the ids, UTF-8, concatenated in order
 * </pre>
 *
 * An instance is a loaded file: mapped and checked once (length and CRC32C against the manifest in
 * one pass over the mapping, then the header, the offsets and the flags), after which lookups
 * binary-search the mapped bytes without building Strings. The mapping lives as long as the instance
 * (the collector unmaps it); the file is never modified once published.
 */
public final class RunIndexFile extends RunCoverages {
  /** "TLRI" read as a little-endian u32. */
  static final int MAGIC = 'T' | 'L' << 8 | 'R' << 16 | 'I' << 24;

  static final int VERSION = 1;
  static final int HEADER_BYTES = 16;

  private final ByteBuffer buf; // little-endian, position 0, the whole file
  private final int count;
  private final int offsetsAt;
  private final int flagsAt;
  private final int heapAt;
  private final List<String> unsealed;

  private RunIndexFile(Path file, ByteBuffer bytes) {
    this.buf = bytes.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
    int length = buf.capacity();
    if (length < HEADER_BYTES) {
      throw new CorruptFileException(file, "truncated: " + length + " bytes, shorter than the header");
    }
    if (buf.getInt(0) != MAGIC) {
      throw new CorruptFileException(file, "not a run index (bad magic)");
    }
    if (buf.getInt(4) != VERSION) {
      throw new CorruptFileException(file, "run index version " + buf.getInt(4) + ", this build reads " + VERSION);
    }
    long n = Integer.toUnsignedLong(buf.getInt(8));
    long heap = Integer.toUnsignedLong(buf.getInt(12));
    long expected = HEADER_BYTES + 4 + 13 * n + heap;
    if (expected != length) {
      throw new CorruptFileException(
          file, "length " + length + " does not match its header (" + n + " runs, " + heap + " id bytes)");
    }
    this.count = (int) n; // the length check bounds it
    this.offsetsAt = HEADER_BYTES + 8 * count;
    this.flagsAt = offsetsAt + 4 * (count + 1);
    this.heapAt = flagsAt + count;
    // What every access relies on, so that none can fail later: offsets from 0 to the heap's end,
    // increasing (ids are not empty), and flags of 0 or 1. The order of the ids is the writer's: the
    // CRC32C shows these are its bytes, and checking it would touch every id, which lookups do not.
    if (offset(0) != 0 || Integer.toUnsignedLong(offset(count)) != heap) {
      throw new CorruptFileException(file, "id offsets do not span the heap");
    }
    for (int i = 0, from = 0; i < count; i++) {
      int to = buf.getInt(offsetsAt + 4 * (i + 1));
      if (to <= from) { // also beyond the heap: offset(count) == heap ends the increasing run
        throw new CorruptFileException(file, "id " + i + " has offsets " + from + ".." + to);
      }
      from = to;
    }
    List<String> open = new ArrayList<>(0);
    for (int i = 0; i < count; i++) {
      byte flags = buf.get(flagsAt + i);
      if (flags != 1) {
        if (flags != 0) {
          throw new CorruptFileException(file, "flags " + flags + " at " + i);
        }
        open.add(runId(i));
      }
    }
    this.unsealed = List.copyOf(open);
  }

  /** The file name of the run index of the segment of {@code generation}. */
  public static String fileName(long generation) {
    return "runs-index-" + FileNames.zeroPadded(generation, 8) + ".bin";
  }

  /**
   * Reads and checks the run index {@code entry} names: its length and CRC32C, its layout, and that
   * it holds {@code entry.rows()} runs.
   *
   * @throws CorruptFileException naming the file, if it is missing or fails any check
   */
  static RunIndexFile load(Path root, Manifest.FileEntry entry) {
    Path file = root.resolve(entry.path());
    RunIndexFile index = parse(file, mapVerified(root, entry));
    if (index.count != entry.rows()) {
      throw new CorruptFileException(file, "holds " + index.count + " runs, manifest says " + entry.rows());
    }
    return index;
  }

  /**
   * Checks the layout of a run index's bytes (not its CRC32C).
   *
   * @throws CorruptFileException naming {@code file}, if any rule fails
   */
  static RunIndexFile parse(Path file, ByteBuffer bytes) {
    try {
      return new RunIndexFile(file, bytes);
    } catch (RuntimeException e) {
      if (e instanceof CorruptFileException c) {
        throw c;
      }
      throw new CorruptFileException(file, "unreadable run index: " + e, e); // a rule this code forgot
    }
  }

  /**
   * Maps a whole file read-only after checking its length and CRC32C against its manifest entry (one
   * pass over the mapping: cheaper than reading a file this small into the heap).
   *
   * @throws CorruptFileException if it is missing, fails a check, or is over 2 GiB
   */
  static ByteBuffer mapVerified(Path root, Manifest.FileEntry entry) {
    Path file = root.resolve(entry.path());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size != entry.length()) {
        throw new CorruptFileException(file, "length " + size + ", manifest says " + entry.length());
      }
      if (size > Integer.MAX_VALUE - 8) {
        throw new CorruptFileException(file, "is larger than 2 GiB");
      }
      ByteBuffer buf = size == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      CRC32C crc = new CRC32C();
      crc.update(buf.duplicate());
      String actual = Manifest.FileEntry.crcHex(crc.getValue());
      if (!actual.equals(entry.crc32c())) {
        throw new CorruptFileException(file, "CRC32C " + actual + ", manifest says " + entry.crc32c());
      }
      return buf;
    } catch (NoSuchFileException e) {
      throw new CorruptFileException(file, "missing", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /**
   * Reads a whole file after checking its length and CRC32C against its manifest entry.
   *
   * @throws CorruptFileException if it is missing, fails a check, or is over 2 GiB
   */
  static byte[] readVerified(Path root, Manifest.FileEntry entry) {
    Path file = root.resolve(entry.path());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size != entry.length()) {
        throw new CorruptFileException(file, "length " + size + ", manifest says " + entry.length());
      }
      if (size > Integer.MAX_VALUE - 8) {
        throw new CorruptFileException(file, "is larger than 2 GiB");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining()) {
        if (ch.read(buf) < 0) {
          throw new CorruptFileException(file, "shrank while read");
        }
      }
      CRC32C crc = new CRC32C();
      crc.update(buf.array());
      String actual = Manifest.FileEntry.crcHex(crc.getValue());
      if (!actual.equals(entry.crc32c())) {
        throw new CorruptFileException(file, "CRC32C " + actual + ", manifest says " + entry.crc32c());
      }
      return buf.array();
    } catch (NoSuchFileException e) {
      throw new CorruptFileException(file, "missing", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /**
   * The run index of {@code runs}, which may be in any order: sorted here by UTF-8 bytes.
   *
   * @throws IllegalArgumentException if an id is empty or repeated, a seq negative, or the index
   *     would exceed 2 GiB
   */
  public static byte[] encode(Map<String, Manifest.RunCoverage> runs) {
    int n = runs.size();
    byte[][] ids = new byte[n][];
    long[] seqs = new long[n];
    boolean[] sealed = new boolean[n];
    int k = 0;
    long heap = 0;
    for (Map.Entry<String, Manifest.RunCoverage> e : runs.entrySet()) {
      ids[k] = e.getKey().getBytes(StandardCharsets.UTF_8);
      seqs[k] = e.getValue().seq();
      sealed[k] = e.getValue().sealed();
      if (ids[k].length == 0 || seqs[k] < 0) {
        throw new IllegalArgumentException("run '" + e.getKey() + "' has an empty id or a negative seq");
      }
      heap += ids[k].length;
      k++;
    }
    long total = HEADER_BYTES + 4 + 13L * n + heap;
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a run index of " + n + " runs would exceed 2 GiB");
    }
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(ids[a], ids[b]));
    ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(MAGIC).putInt(VERSION).putInt(n).putInt((int) heap);
    for (int i = 0; i < n; i++) {
      out.putLong(seqs[order[i]]);
    }
    int at = 0;
    out.putInt(at);
    for (int i = 0; i < n; i++) {
      if (i > 0 && Arrays.equals(ids[order[i - 1]], ids[order[i]])) {
        throw new IllegalArgumentException("run " + new String(ids[order[i]], StandardCharsets.UTF_8) + " is listed twice");
      }
      at += ids[order[i]].length;
      out.putInt(at);
    }
    for (int i = 0; i < n; i++) {
      out.put(sealed[order[i]] ? (byte) 1 : 0);
    }
    for (int i = 0; i < n; i++) {
      out.put(ids[order[i]]);
    }
    return out.array();
  }

  private int offset(int i) {
    return buf.getInt(offsetsAt + 4 * i);
  }

  /** Compares run {@code i}'s id with {@code key} as unsigned bytes. */
  private int compare(int i, byte[] key) {
    int from = heapAt + offset(i);
    int len = heapAt + offset(i + 1) - from;
    int n = Math.min(len, key.length);
    for (int k = 0; k < n; k++) {
      int c = Byte.toUnsignedInt(buf.get(from + k)) - Byte.toUnsignedInt(key[k]);
      if (c != 0) {
        return c;
      }
    }
    return len - key.length;
  }

  @Override
  int indexOf(String runId) {
    byte[] key = runId.getBytes(StandardCharsets.UTF_8);
    int lo = 0;
    int hi = count - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compare(mid, key);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  @Override
  public List<String> unsealed() {
    return unsealed;
  }

  @Override
  public String runId(int i) {
    Objects.checkIndex(i, count);
    int from = offset(i);
    byte[] id = new byte[offset(i + 1) - from];
    buf.get(heapAt + from, id);
    return new String(id, StandardCharsets.UTF_8);
  }

  @Override
  public long seq(int i) {
    Objects.checkIndex(i, count);
    return buf.getLong(HEADER_BYTES + 8 * i);
  }

  @Override
  public boolean sealed(int i) {
    Objects.checkIndex(i, count);
    return buf.get(flagsAt + i) == 1;
  }

  @Override
  public int size() {
    return count;
  }
}
