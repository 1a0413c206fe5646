package io.tracklog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.CorruptFileException;
import io.tracklog.format.ByteSource;
import io.tracklog.internal.FileOps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-file log of the model registry (docs/FORMAT.md §Model registry log). */
class FileEventLogTest {
  @TempDir Path dir;

  private static byte[] event(SplittableRandom random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    bytes[0] &= 0x7F; // a type tag, as every event starts with
    return bytes;
  }

  private static List<byte[]> readAll(EventLog log) {
    List<byte[]> out = new ArrayList<>();
    try (EventReader r = log.openReader()) {
      for (ByteSource src = r.next(); src != null; src = r.next()) {
        byte[] copy = new byte[src.remaining()];
        for (int i = 0; i < copy.length; i++) {
          copy[i] = (byte) src.readByte();
        }
        out.add(copy);
      }
    }
    return out;
  }

  @Test
  void eventsOfEveryLength_readBackInOrder_andAReaderTailsLaterAppends() {
    Path file = dir.resolve("x.log");
    SplittableRandom random = new SplittableRandom(3);
    List<byte[]> written = new ArrayList<>();
    try (FileEventLog writer = FileEventLog.open(file, true, FileOps.DEFAULT);
        FileEventLog other = FileEventLog.open(file, false, FileOps.DEFAULT);
        EventReader tail = other.openReader()) {
      for (int length : new int[] {1, 2, 63, 64, 65, 66, 300, 70_000}) {
        byte[] e = event(random, length);
        writer.append(e, e.length);
        written.add(e);
        ByteSource src = tail.next();
        assertThat(src).as("length %d", length).isNotNull();
        assertThat(src.remaining()).isEqualTo(length);
        assertThat(tail.next()).isNull(); // the end, until the next append
      }
      assertThat(tail.position()).isEqualTo(written.size());
      assertThat(readAll(other)).containsExactlyElementsOf(written);
    }
  }

  @Test
  void whatAKilledWriterLeft_isNotAnEvent_andTheNextAppendCutsItOff() throws IOException {
    Path file = dir.resolve("x.log");
    SplittableRandom random = new SplittableRandom(5);
    byte[] first = event(random, 40);
    byte[] second = event(random, 90);
    try (FileEventLog log = FileEventLog.open(file, true, FileOps.DEFAULT)) {
      log.append(first, first.length);
    }
    long whole = Files.size(file);
    // A writer killed after writing its excerpt, before its length: zeros, then bytes.
    byte[] excerpt = event(random, 500);
    try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(excerpt), whole + 4);
    }
    try (FileEventLog log = FileEventLog.open(file, false, FileOps.DEFAULT)) {
      assertThat(readAll(log)).hasSize(1);
      log.append(second, second.length);
      assertThat(readAll(log)).hasSize(2);
      assertThat(readAll(log).get(1)).isEqualTo(second);
    }
    assertThat(Files.size(file)).isLessThan(whole + 4 + 500); // the leftover is gone, not skipped
  }

  @Test
  void damage_isCorruptFileException_namingTheFile() throws IOException {
    Path file = dir.resolve("x.log");
    SplittableRandom random = new SplittableRandom(7);
    try (FileEventLog log = FileEventLog.open(file, true, FileOps.DEFAULT)) {
      for (int i = 0; i < 3; i++) {
        byte[] e = event(random, 100);
        log.append(e, e.length);
      }
    }
    byte[] pristine = Files.readAllBytes(file);
    int secondFrame = 8 + 4 + ByteBuffer.wrap(pristine, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();

    byte[] flipped = pristine.clone();
    flipped[secondFrame + 20] ^= 0x10; // inside the second event
    assertCorrupt(file, flipped, "fails its check", false); // appends check lengths, not excerpts

    byte[] huge = pristine.clone();
    ByteBuffer.wrap(huge, secondFrame, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(-5);
    assertCorrupt(file, huge, "impossible length", true);

    assertCorrupt(file, Arrays.copyOf(pristine, pristine.length - 7), "cut short", true);

    byte[] notALog = pristine.clone();
    notALog[1] = 'X';
    Files.write(file, notALog);
    assertThatThrownBy(() -> FileEventLog.open(file, false, FileOps.DEFAULT))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining(file.toString());
  }

  /** Reading {@code bytes} as the log fails naming the file and {@code why}; so does appending, if {@code appendRefused}. */
  private static void assertCorrupt(Path file, byte[] bytes, String why, boolean appendRefused) throws IOException {
    Files.write(file, bytes);
    try (FileEventLog log = FileEventLog.open(file, false, FileOps.DEFAULT)) {
      assertThatThrownBy(() -> readAll(log))
          .isInstanceOf(CorruptFileException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining(why);
      if (appendRefused) {
        byte[] e = {1, 2, 3};
        assertThatThrownBy(() -> log.append(e, e.length)).isInstanceOf(CorruptFileException.class);
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes); // nothing cut off, nothing written
      }
    } catch (CorruptFileException | UncheckedIOException e) {
      throw new AssertionError("opening should not read the events", e);
    }
  }
}
