package io.tracklog.compact;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * File operations that count every call and throw {@link IOException} at the {@code failAt}-th
 * (1-based; 0 never fails), and with {@link #sticky} at every call from then on, as a full disk or a
 * dying device would. Records what each call was, so a test can name the operation that failed.
 */
public final class FaultyFileOps implements FileOps {
  private final long failAt;
  private final boolean sticky;
  private final List<String> calls = new ArrayList<>();
  private boolean failed;

  private FaultyFileOps(long failAt, boolean sticky) {
    this.failAt = failAt;
    this.sticky = sticky;
  }

  /** Counts, never fails. */
  public static FaultyFileOps counting() {
    return new FaultyFileOps(0, false);
  }

  /** Fails the {@code n}-th call only. */
  public static FaultyFileOps failingOnce(long n) {
    return new FaultyFileOps(n, false);
  }

  /** Fails the {@code n}-th call and every later one. */
  public static FaultyFileOps failingFrom(long n) {
    return new FaultyFileOps(n, true);
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
