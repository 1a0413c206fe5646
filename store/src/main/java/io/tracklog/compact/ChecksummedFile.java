package io.tracklog.compact;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;

/** A channel that checksums (CRC32C) and counts what goes through it on its way to the file. */
final class ChecksummedFile implements WritableByteChannel {
  private final FileChannel channel;
  private final FileOps ops;
  private final CRC32C crc = new CRC32C();
  private long length;
  private boolean open = true;

  ChecksummedFile(FileChannel channel, FileOps ops) {
    this.channel = channel;
    this.ops = ops;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    ByteBuffer view = src.duplicate();
    int n = 0;
    while (src.hasRemaining()) {
      n += ops.write(channel, src);
    }
    view.limit(view.position() + n);
    crc.update(view);
    length += n;
    return n;
  }

  long length() {
    return length;
  }

  /** The CRC32C as 8 lower-case hex digits. */
  String crc32c() {
    return Manifest.FileEntry.crcHex(crc.getValue());
  }

  /** Forces the bytes written so far to the device. */
  void force() throws IOException {
    ops.force(channel);
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() throws IOException {
    open = false;
    channel.close();
  }
}
