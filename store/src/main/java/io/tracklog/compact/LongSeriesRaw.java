package io.tracklog.compact;

import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;

/**
 * The metrics file's codec under {@code SegmentCompression.AUTO}: Zstandard for every buffer up to
 * {@link #MAX_COMPRESSED} bytes, larger ones stored raw in the same compressed batch (Arrow IPC
 * marks a buffer uncompressed with an uncompressed length of -1). A record batch of short series
 * holds at most {@link SegmentWriter#POINTS_PER_BATCH} points, so its buffers all compress; a series
 * too long to share a batch gets one of its own whose point buffers are larger and stay raw, which a
 * reader slices out of its mapping without decompressing (the warm history read of a long series).
 */
final class LongSeriesRaw implements CompressionCodec {
  /** The largest buffer compressed: one batch's worth of 8-byte points. */
  static final long MAX_COMPRESSED = (long) SegmentWriter.POINTS_PER_BATCH * Long.BYTES;

  /** Makes this codec for ZSTD, and Arrow's own for anything else. */
  static final CompressionCodec.Factory FACTORY =
      new CompressionCodec.Factory() {
        @Override
        public CompressionCodec createCodec(CompressionUtil.CodecType type) {
          CompressionCodec codec = CommonsCompressionFactory.INSTANCE.createCodec(type);
          return type == CompressionUtil.CodecType.ZSTD ? new LongSeriesRaw(codec) : codec;
        }

        @Override
        public CompressionCodec createCodec(CompressionUtil.CodecType type, int level) {
          CompressionCodec codec = CommonsCompressionFactory.INSTANCE.createCodec(type, level);
          return type == CompressionUtil.CodecType.ZSTD ? new LongSeriesRaw(codec) : codec;
        }
      };

  private final CompressionCodec zstd;

  private LongSeriesRaw(CompressionCodec zstd) {
    this.zstd = zstd;
  }

  @Override
  public ArrowBuf compress(BufferAllocator allocator, ArrowBuf uncompressed) {
    if (uncompressed.writerIndex() <= MAX_COMPRESSED) {
      return zstd.compress(allocator, uncompressed); // takes ownership, as this method must
    }
    try {
      return CompressionUtil.packageRawBuffer(allocator, uncompressed);
    } finally {
      uncompressed.close();
    }
  }

  @Override
  public ArrowBuf decompress(BufferAllocator allocator, ArrowBuf compressed) {
    return zstd.decompress(allocator, compressed);
  }

  @Override
  public CompressionUtil.CodecType getCodecType() {
    return CompressionUtil.CodecType.ZSTD;
  }
}
