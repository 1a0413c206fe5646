package io.tracklog.reader;

import io.tracklog.error.CorruptFileException;
import io.tracklog.registry.RegistryArchive;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * An archive file opened and its container checked against its manifest: every entry but the
 * manifest is listed there with its size, and every listed entry is there. Entry bytes are checked
 * (CRC-32 and SHA-256) as they are read. Not thread-safe; the caller closes it.
 */
final class ArchiveFile implements AutoCloseable {
  private final ArchiveZip zip;
  private final ArchiveFormat.Manifest manifest;

  private ArchiveFile(ArchiveZip zip, ArchiveFormat.Manifest manifest) {
    this.zip = zip;
    this.manifest = manifest;
  }

  /**
   * @throws CorruptFileException naming the entry, for a damaged or hostile archive
   * @throws io.tracklog.error.UnsupportedFormatException for an archive of another version
   */
  static ArchiveFile open(Path file) {
    ArchiveZip zip = ArchiveZip.open(file);
    boolean ok = false;
    try {
      ArchiveZip.Entry me = zip.entries().get(ArchiveFormat.MANIFEST);
      if (me == null) {
        throw new CorruptFileException(file, "has no entry " + ArchiveFormat.MANIFEST);
      }
      ArchiveFormat.Manifest manifest =
          ArchiveFormat.read(file, zip.readAll(me, null, ArchiveFormat.MAX_MANIFEST_BYTES));
      for (ArchiveZip.Entry e : zip.entries().values()) {
        if (e.name().equals(ArchiveFormat.MANIFEST)) {
          continue;
        }
        ArchiveFormat.EntrySum sum = manifest.entries().get(e.name());
        if (sum == null) {
          throw new CorruptFileException(file, "entry " + e.name() + " is not in " + ArchiveFormat.MANIFEST);
        }
        if (sum.size() != e.size()) {
          throw new CorruptFileException(file, "entry " + e.name() + " has " + e.size() + " bytes; the manifest says " + sum.size());
        }
        if (!e.name().equals(ArchiveFormat.REGISTRY) && !e.name().startsWith(ArchiveFormat.STORE)) {
          throw new CorruptFileException(file, "entry " + e.name() + " is not part of the archive layout");
        }
      }
      for (String name : manifest.entries().keySet()) {
        if (!zip.entries().containsKey(name)) {
          throw new CorruptFileException(file, "entry " + name + " is missing");
        }
      }
      ArchiveFile archive = new ArchiveFile(zip, manifest);
      ok = true;
      return archive;
    } finally {
      if (!ok) {
        zip.close();
      }
    }
  }

  Path file() {
    return zip.file();
  }

  ArchiveFormat.Manifest manifest() {
    return manifest;
  }

  /** Checks every entry's CRC-32 and SHA-256. @throws CorruptFileException naming the first that fails */
  void verify() {
    for (Map.Entry<String, ArchiveFormat.EntrySum> e : manifest.entries().entrySet()) {
      zip.copy(zip.entries().get(e.getKey()), e.getValue().sha256(), null);
    }
  }

  /**
   * Writes the {@code store/} entries {@code now} accepts below {@code dir} (an empty folder),
   * checking each one's CRC-32 and SHA-256 as it is copied, and checks the CRC-32 of the others
   * in place (they are extracted by {@link #extract} when first needed). On failure the caller
   * deletes {@code dir}.
   */
  void extractStore(Path dir, java.util.function.Predicate<String> now) {
    for (String name : manifest.entries().keySet()) {
      if (!name.startsWith(ArchiveFormat.STORE)) {
        continue;
      }
      if (now.test(name)) {
        extract(dir, name);
      } else {
        zip.checkCrc(zip.entries().get(name));
      }
    }
  }

  /**
   * Writes one {@code store/} entry below {@code dir}, checked; names were checked when the
   * archive was opened, and the target is checked again to be inside {@code dir}.
   */
  void extract(Path dir, String name) {
    Path base = dir.toAbsolutePath().normalize();
    Path target = base.resolve(name.substring(ArchiveFormat.STORE.length())).normalize();
    if (!target.startsWith(base) || target.equals(base)) {
      throw new CorruptFileException(zip.file(), "entry " + name + " escapes the target");
    }
    try {
      Files.createDirectories(target.getParent());
      if (!target.getParent().toRealPath().startsWith(base.toRealPath())) {
        throw new CorruptFileException(zip.file(), "entry " + name + " escapes the target");
      }
      Path temp = target.resolveSibling(".extract-" + java.util.UUID.randomUUID() + ".tmp");
      try {
        try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          zip.copy(zip.entries().get(name), manifest.entries().get(name).sha256(), out);
        }
        Files.move(temp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException x) {
      throw new UncheckedIOException("Cannot extract entry " + name + " of archive " + zip.file() + " to " + target, x);
    }
  }

  /** The archive's registered models (none if it has no registry entry). */
  RegistryArchive registry() {
    ArchiveFormat.EntrySum sum = manifest.entries().get(ArchiveFormat.REGISTRY);
    if (sum == null) {
      return RegistryArchive.read(new byte[] {0});
    }
    byte[] bytes = zip.readAll(zip.entries().get(ArchiveFormat.REGISTRY), sum.sha256(), ArchiveFormat.MAX_REGISTRY_BYTES);
    try {
      return RegistryArchive.read(bytes);
    } catch (IllegalArgumentException e) {
      throw new CorruptFileException(zip.file(), "entry " + ArchiveFormat.REGISTRY + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    zip.close();
  }
}
