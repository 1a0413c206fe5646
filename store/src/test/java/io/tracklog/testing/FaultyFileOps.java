package io.tracklog.testing;

import io.tracklog.internal.FileOps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * File operations that count every call and throw {@link IOException} at the {@code failAt}-th
 * (1-based; 0 never fails), and with {@link #failingFrom} at every call from then on, as a dying
 * device would; or, {@link #diskFull}, at every write, as a full disk does. Records what each call
 * was, so a test can name the operation that failed.
 */
public final class FaultyFileOps implements FileOps {
  /** What a write to a full disk says (the message of ENOSPC). */
  public static final String NO_SPACE = "No space left on device";

  private final long failAt;
  private final boolean sticky;
  private final boolean diskFull;
  private final List<String> calls = new ArrayList<>();
  private boolean failed;

  private FaultyFileOps(long failAt, boolean sticky, boolean diskFull) {
    this.failAt = failAt;
    this.sticky = sticky;
    this.diskFull = diskFull;
  }

  /** Counts, never fails. */
  public static FaultyFileOps counting() {
    return new FaultyFileOps(0, false, false);
  }

  /** Fails the {@code n}-th call only. */
  public static FaultyFileOps failingOnce(long n) {
    return new FaultyFileOps(n, false, false);
  }

  /** Fails the {@code n}-th call and every later one. */
  public static FaultyFileOps failingFrom(long n) {
    return new FaultyFileOps(n, true, false);
  }

  /** Every write throws {@code IOException("No space left on device")}; the rest works. */
  public static FaultyFileOps diskFull() {
    return new FaultyFileOps(0, false, true);
  }

  /** Every call so far, as "kind path". */
  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  public synchronized boolean failed() {
    return failed;
  }

  private synchronized void call(String kind, Object target) throws IOException {
    calls.add(kind + " " + target);
    long n = calls.size();
    if (diskFull && kind.equals("write")) {
      failed = true;
      throw new IOException(NO_SPACE);
    }
    if (failAt > 0 && (n == failAt || (sticky && n > failAt))) {
      failed = true;
      throw new IOException("Injected fault at call " + n + ": " + kind + " " + target);
    }
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    call("createDirectories", dir.getFileName());
    FileOps.super.createDirectories(dir);
  }

  @Override
  public FileChannel create(Path file) throws IOException {
    call("create", file.getFileName());
    return FileOps.super.create(file);
  }

  @Override
  public int write(FileChannel channel, ByteBuffer src) throws IOException {
    call("write", src.remaining());
    return FileOps.super.write(channel, src);
  }

  @Override
  public void force(FileChannel channel) throws IOException {
    call("force", "");
    FileOps.super.force(channel);
  }

  @Override
  public void move(Path from, Path to) throws IOException {
    call("move", to.getFileName());
    FileOps.super.move(from, to);
  }

  @Override
  public void link(Path link, Path existing) throws IOException {
    call("link", link.getFileName());
    FileOps.super.link(link, existing);
  }

  @Override
  public void delete(Path file) throws IOException {
    call("delete", file.getFileName());
    FileOps.super.delete(file);
  }

  @Override
  public void forceDirectory(Path dir) throws IOException {
    call("forceDirectory", dir.getFileName());
    FileOps.super.forceDirectory(dir);
  }
}
