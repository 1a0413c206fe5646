package io.tracklog.compact;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;

/** A channel that checksums (CRC32C) and counts what goes through it on its way to the file. */
final class ChecksummedFile implements WritableByteChannel {
  private final WritableByteChannel out;
  private final CRC32C crc = new CRC32C();
  private long length;

  ChecksummedFile(WritableByteChannel out) {
    this.out = out;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    ByteBuffer view = src.duplicate();
    int n = out.write(src);
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

  @Override
  public boolean isOpen() {
    return out.isOpen();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
