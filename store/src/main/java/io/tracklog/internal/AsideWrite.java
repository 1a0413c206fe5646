package io.tracklog.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Writes a file aside and publishes it whole (docs/FORMAT.md §Crash safety), every step through a
 * {@link FileOps}: create a temp file beside the target, write it, force it, then atomically rename
 * it over the target ({@link Publish#REPLACE}) or hard-link it to a name that must not exist yet
 * ({@link Publish#NEW}), and force the directory. The rename or link is the commit point: if any step
 * before it fails, the temp file is removed (as far as the file system lets it) and the target is as
 * it was; nothing after it can fail the write (a directory that cannot be forced is the next sync's).
 */
public final class AsideWrite {
  private AsideWrite() {}

  /** How the written temp file takes the target's name. */
  public enum Publish {
    /** An atomic rename, replacing any file of that name. */
    REPLACE,
    /** A hard link, which fails if the name exists: nothing is replaced (then the write returns false). */
    NEW
  }

  /** Writes a file's bytes to a channel; it may close the channel, once done. */
  @FunctionalInterface
  public interface Content {
    void writeTo(WritableByteChannel out) throws IOException;
  }

  /** {@code <target name>.<pid>-<random>.tmp} beside {@code target}: no two writers share one. */
  public static Path tempBeside(Path target) {
    return target.resolveSibling(
        target.getFileName() + "." + ProcessHandle.current().pid() + "-" + UUID.randomUUID() + ".tmp");
  }

  /** Writes {@code bytes} to {@code target} through a temp file of {@link #tempBeside}, replacing it. */
  public static void replace(FileOps ops, Path target, byte[] bytes) throws IOException {
    replace(ops, target, bytes, bytes.length);
  }

  /** Writes {@code bytes[0, length)} to {@code target}, as {@link #replace(FileOps, Path, byte[])}. */
  public static void replace(FileOps ops, Path target, byte[] bytes, int length) throws IOException {
    write(ops, target, tempBeside(target), Publish.REPLACE, out -> writeFully(out, ByteBuffer.wrap(bytes, 0, length)));
  }

  /**
   * Writes {@code content} to {@code temp} (which must not exist) and publishes it as {@code target}.
   * The target's directory must exist.
   *
   * @return false if {@code publish} is {@link Publish#NEW} and {@code target} existed: nothing
   *     changed, and the temp file is gone
   * @throws IOException if a step before the commit point failed: the temp file is removed, the target
   *     unchanged
   */
  public static boolean write(FileOps ops, Path target, Path temp, Publish publish, Content content)
      throws IOException {
    boolean published = false;
    boolean committed = false;
    try {
      try (FileChannel ch = ops.create(temp)) {
        content.writeTo(new Sink(ops, ch));
        ops.force(ch);
      }
      if (publish == Publish.REPLACE) {
        ops.move(temp, target);
        published = true;
      } else {
        try {
          ops.link(target, temp);
          published = true;
        } catch (FileAlreadyExistsException e) {
          published = false;
        }
      }
      committed = true;
    } finally {
      if (!committed || publish == Publish.NEW) {
        ops.deleteQuietly(temp); // after a link, the temp name is the second name of the target
      }
    }
    if (published) {
      try {
        ops.forceDirectory(target.getParent());
      } catch (IOException | RuntimeException ignored) {
        // the rename is atomic; only its durability across power loss waits for the next sync
      }
    }
    return published;
  }

  /** Writes all of {@code buf} to {@code out}. */
  public static void writeFully(WritableByteChannel out, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      out.write(buf);
    }
  }

  /**
   * The temp file as the content sees it: every write goes through the seam; closing it only stops
   * further writes (the file is forced and closed by {@link #write}, so a content that closes its
   * channel, as Arrow's writer does, still has its bytes forced before the publish).
   */
  private static final class Sink implements WritableByteChannel {
    private final FileOps ops;
    private final FileChannel channel;
    private boolean open = true;

    Sink(FileOps ops, FileChannel channel) {
      this.ops = ops;
      this.channel = channel;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (!open) {
        throw new ClosedChannelException();
      }
      int n = 0;
      while (src.hasRemaining()) {
        n += ops.write(channel, src);
      }
      return n;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
