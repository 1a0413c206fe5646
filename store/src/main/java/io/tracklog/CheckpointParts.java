package io.tracklog;

import io.tracklog.format.FileNames;
import io.tracklog.format.CatalogCheckpoint;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of the catalog's checkpoint (docs/FORMAT.md §Catalog checkpoint): a folder of immutable
 * parts named by the catalog events they cover, {@code catalog-checkpoint/<from>-<to>.part}. A store
 * restores the longest chain of parts from event 0; a new part covers what the chain does not yet,
 * and absorbs the chain's last parts while they are no more than twice its size, so a chain has
 * about {@code log2(events / 1024)} parts and each event is rewritten that many times, at most.
 *
 * <p>Parts are written aside and renamed, and removed only after the part that absorbs them is in
 * place; a reader that maps a part keeps it whole even once it is removed.
 */
final class CheckpointParts {
  private static final Pattern NAME = Pattern.compile("(\\d{12,19})-(\\d{12,19})\\.part");

  private CheckpointParts() {}

  /** A part file and the catalog events {@code [from, to)} its name says it covers. */
  record Part(Path file, long from, long to) {
    long events() {
      return to - from;
    }
  }

  static String name(long from, long to) {
    return FileNames.zeroPadded(from, 12) + "-" + FileNames.zeroPadded(to, 12) + ".part";
  }

  /** Every part file in {@code dir} (none if it does not exist), in no particular order. */
  static List<Part> list(Path dir) {
    List<Part> parts = new ArrayList<>();
    if (!dir.toFile().isDirectory()) {
      return parts;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir) /* NAME filters: no glob to compile */) {
      for (Path f : files) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        if (m.matches()) {
          try {
            long from = Long.parseLong(m.group(1));
            long to = Long.parseLong(m.group(2));
            if (from < to) {
              parts.add(new Part(f, from, to));
            }
          } catch (NumberFormatException e) {
            // not one of ours
          }
        }
      }
    } catch (IOException e) {
      return new ArrayList<>(); // unreadable: no checkpoint, the log is replayed
    }
    return parts;
  }

  /** The chain from event 0 that goes furthest, taking at each step the part that reaches furthest. */
  static List<Part> chain(List<Part> parts) {
    List<Part> chain = new ArrayList<>();
    long at = 0;
    while (true) {
      Part next = null;
      for (Part p : parts) {
        if (p.from() == at && (next == null || p.to() > next.to())) {
          next = p;
        }
      }
      if (next == null) {
        return chain;
      }
      chain.add(next);
      at = next.to();
    }
  }

  /** Where the chain ends: how many catalog events it covers. */
  static long end(List<Part> chain) {
    return chain.isEmpty() ? 0 : chain.get(chain.size() - 1).to();
  }

  /**
   * Where a new part that brings the chain to {@code position} starts: the chain's end, or the start
   * of the last parts it absorbs (each no more than twice what the new part covers with those after
   * it), as a binary counter carries.
   */
  static long mergeFrom(List<Part> chain, long position) {
    long from = end(chain);
    long covered = position - from;
    for (int i = chain.size() - 1; i >= 0 && chain.get(i).events() <= 2 * covered; i--) {
      covered += chain.get(i).events();
      from = chain.get(i).from();
    }
    return from;
  }

  /**
   * Maps and decodes a part, checking that it covers what its name says.
   *
   * @throws NoSuchFileException if it was removed since it was listed
   * @throws IOException if it cannot be read
   * @throws io.tracklog.format.DecodeException if it is not a whole, valid part
   */
  static CatalogCheckpoint read(Part part) throws IOException {
    MappedByteBuffer bytes;
    try (FileChannel ch = FileChannel.open(part.file(), StandardOpenOption.READ)) {
      bytes = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
    }
    CatalogCheckpoint decoded = CatalogCheckpoint.decode(bytes);
    if (decoded.from() != part.from() || decoded.position() != part.to()) {
      throw new io.tracklog.format.DecodeException("catalog checkpoint part " + part.file().getFileName() + " covers other events");
    }
    return decoded;
  }
}
