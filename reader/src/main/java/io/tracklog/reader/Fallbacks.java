package io.tracklog.reader;

import io.tracklog.error.CorruptFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files one reader fell back from ({@link Fallback}), each noted and logged once however often
 * the reader meets it again: files never change once published, so a file that failed once fails
 * every time (issue #11). Thread-safe.
 */
final class Fallbacks {
  private static final System.Logger LOG = System.getLogger(StoreReader.class.getName());

  private final Map<Path, Fallback> byFile = new LinkedHashMap<>(); // guarded by this, in order noted

  /** Notes that the file {@code e} names failed and {@code source} answers instead; logs it the first time. */
  void note(CorruptFileException e, Fallback.Source source) {
    note(e.path(), e.detail(), source);
    for (Throwable also : e.getSuppressed()) { // e.g. a run index whose runs file failed too
      if (also instanceof CorruptFileException c) {
        note(c.path(), c.detail(), source);
      }
    }
  }

  void note(Path file, String reason, Fallback.Source source) {
    Fallback f = new Fallback(file.toAbsolutePath().normalize(), reason, source);
    synchronized (this) {
      if (byFile.putIfAbsent(f.file(), f) != null) {
        return;
      }
    }
    LOG.log(System.Logger.Level.WARNING, f.message());
  }

  synchronized List<Fallback> list() {
    return List.copyOf(new ArrayList<>(byFile.values()));
  }
}
