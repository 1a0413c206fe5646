package io.tracklog.reader;

import io.tracklog.error.CorruptFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowFooter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One record batch of an Arrow IPC file, read in place from a buffer (a memory mapping): the footer
 * and message metadata are parsed, and each column is a set of slices of the buffer, nothing copied
 * ({@link Batches} reads any batch of a file of several). In a ZSTD-compressed batch, each
 * compressed buffer is decompressed on its own and the raw ones (docs/FORMAT.md §Compression) are
 * still slices. Arrow Java's {@code ArrowFileReader} would copy every buffer of the batch
 * into its own memory first, which is most of what loading a search file costs (issue #10); here a
 * column costs something only when it is read.
 *
 * <p>Checks what reading needs (magic, one batch, no codec but ZSTD, little-endian, buffer counts,
 * lengths and bounds) and throws {@link CorruptFileException} otherwise. Thread-safe: slices are
 * only read with absolute gets.
 */
final class ArrowFileView {
  private static final byte[] MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);

  final Path file;
  final Schema schema;
  final int rows;
  /** Top-level columns by name, in schema order. */
  final Map<String, Column> columns;
  /** Dictionary values by dictionary id. */
  final Map<Long, Column> dictionaries;

  /**
   * One field's data: its node (length, null count) and buffers (per its type's layout: validity,
   * then offsets and/or data; a dictionary-encoded field has its index type's), children in order.
   */
  record Column(Field field, int length, int nullCount, ByteBuffer[] buffers, List<Column> children) {
    /** Buffer {@code i}, little-endian, positioned at 0. */
    ByteBuffer buffer(int i) {
      return buffers[i];
    }

    /** True unless row {@code row}'s validity bit is clear (an empty bitmap with no nulls: all valid). */
    boolean isValid(int row) {
      if (nullCount == 0) {
        return true;
      }
      return (buffers[0].get(row >>> 3) & (1 << (row & 7))) != 0;
    }
  }

  private ArrowFileView(Path file, Schema schema, int rows, Map<String, Column> columns, Map<Long, Column> dictionaries) {
    this.file = file;
    this.schema = schema;
    this.rows = rows;
    this.columns = columns;
    this.dictionaries = dictionaries;
  }

  /** The column named {@code name}; corrupt if there is none. */
  Column column(String name) {
    Column c = columns.get(name);
    if (c == null) {
      throw new CorruptFileException(file, "has no column " + name);
    }
    return c;
  }

  /** Parses the file in {@code bytes} (its whole content), which must hold one record batch. */
  static ArrowFileView parse(Path file, ByteBuffer bytes) {
    Batches batches = Batches.parse(file, bytes);
    if (batches.count() != 1) {
      throw new CorruptFileException(file, "has " + batches.count() + " record batches, expected 1");
    }
    return batches.batch(0);
  }

  /**
   * A file's footer, schema and dictionaries, parsed once; its record batches are read on demand
   * ({@link #batch}), so a file of many batches costs only the batches read.
   */
  static final class Batches {
    private final Path file;
    private final Schema schema;
    private final Parser parser;
    private final List<ArrowBlock> blocks;
    private final Map<Long, Column> dictionaries;
    /** The compressed batch read last, decompressed: reads of several series of one batch decompress it once. */
    private volatile Decompressed last;

    private record Decompressed(int index, ArrowFileView view) {}

    private Batches(Path file, Schema schema, Parser parser, List<ArrowBlock> blocks, Map<Long, Column> dictionaries) {
      this.file = file;
      this.schema = schema;
      this.parser = parser;
      this.blocks = blocks;
      this.dictionaries = dictionaries;
    }

    /** Parses the footer and the dictionaries of the file in {@code bytes} (its whole content). */
    static Batches parse(Path file, ByteBuffer bytes) {
      try {
        ByteBuffer all = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int size = all.limit();
        if (size < 2 * 8 + 4 || !magicAt(all, 0) || !magicAt(all, size - MAGIC.length)) {
          throw new CorruptFileException(file, "is not an Arrow IPC file (no ARROW1 magic)");
        }
        int footerLength = all.getInt(size - MAGIC.length - 4);
        int footerStart = size - MAGIC.length - 4 - footerLength;
        if (footerLength <= 0 || footerStart < 8) {
          throw new CorruptFileException(file, "bad footer length " + footerLength);
        }
        ArrowFooter footer =
            new ArrowFooter(Footer.getRootAsFooter(all.slice(footerStart, footerLength).order(ByteOrder.LITTLE_ENDIAN)));
        Schema schema = footer.getSchema();
        Parser p = new Parser(file, all);
        Map<Long, Column> dictionaries = new HashMap<>();
        Map<Long, Field> dictionaryFields = new HashMap<>();
        for (Field f : schema.getFields()) {
          collectDictionaryFields(f, dictionaryFields);
        }
        for (ArrowBlock block : footer.getDictionaries()) {
          Message m = p.message(block);
          if (m.headerType() != MessageHeader.DictionaryBatch) {
            throw new CorruptFileException(file, "dictionary block holds message type " + m.headerType());
          }
          DictionaryBatch d = (DictionaryBatch) m.header(new DictionaryBatch());
          Field owner = dictionaryFields.get(d.id());
          if (owner == null || d.isDelta() || dictionaries.containsKey(d.id())) {
            throw new CorruptFileException(file, "unexpected dictionary batch " + d.id());
          }
          // the dictionary's values: one field of the owner's value type, not itself encoded
          Field values =
              new Field(owner.getName(), new org.apache.arrow.vector.types.pojo.FieldType(false, owner.getType(), null), owner.getChildren());
          List<Column> cols = p.batch(d.data(), block, List.of(values));
          dictionaries.put(d.id(), cols.get(0));
        }
        for (long id : dictionaryFields.keySet()) {
          if (!dictionaries.containsKey(id)) {
            throw new CorruptFileException(file, "has no dictionary " + id);
          }
        }
        return new Batches(file, schema, p, footer.getRecordBatches(), dictionaries);
      } catch (CorruptFileException e) {
        throw e;
      } catch (RuntimeException e) { // flatbuffer or schema decoding of bytes that are not what they claim
        throw new CorruptFileException(file, "cannot parse Arrow IPC metadata: " + e, e);
      }
    }

    Schema schema() {
      return schema;
    }

    int count() {
      return blocks.size();
    }

    /** True if the batch's buffers are compressed with a codec this view does not read (LZ4, from another tool). */
    boolean foreignCodec(int index) {
      try {
        Message m = parser.message(blocks.get(index));
        return m.headerType() == MessageHeader.RecordBatch && !zstdOrPlain(((RecordBatch) m.header(new RecordBatch())).compression());
      } catch (CorruptFileException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new CorruptFileException(file, "cannot parse Arrow IPC metadata: " + e, e);
      }
    }

    /** Record batch {@code index}, read in place (its compressed buffers decompressed, the last such batch kept). */
    ArrowFileView batch(int index) {
      Decompressed cached = last;
      if (cached != null && cached.index == index) {
        return cached.view;
      }
      try {
        ArrowBlock block = blocks.get(index);
        Message m = parser.message(block);
        if (m.headerType() != MessageHeader.RecordBatch) {
          throw new CorruptFileException(file, "record batch block holds message type " + m.headerType());
        }
        RecordBatch rb = (RecordBatch) m.header(new RecordBatch());
        ArrowFileView view = view(rb, block);
        if (rb.compression() != null) {
          last = new Decompressed(index, view);
        }
        return view;
      } catch (CorruptFileException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new CorruptFileException(file, "cannot parse Arrow IPC metadata: " + e, e);
      }
    }

    private ArrowFileView view(RecordBatch rb, ArrowBlock block) {
      if (rb.length() < 0 || rb.length() > Integer.MAX_VALUE) {
        throw new CorruptFileException(file, "bad row count " + rb.length());
      }
      List<Column> cols = parser.batch(rb, block, schema.getFields());
      Map<String, Column> byName = new LinkedHashMap<>();
      for (Column c : cols) {
        if (c.length() != rb.length()) {
          throw new CorruptFileException(file, "column " + c.field().getName() + " has " + c.length() + " rows of " + rb.length());
        }
        if (byName.put(c.field().getName(), c) != null) {
          throw new CorruptFileException(file, "has two columns named " + c.field().getName());
        }
      }
      return new ArrowFileView(file, schema, (int) rb.length(), byName, dictionaries);
    }
  }

  /** No compression, or ZSTD by buffer (the only method Arrow IPC defines). */
  private static boolean zstdOrPlain(org.apache.arrow.flatbuf.BodyCompression c) {
    return c == null || c.codec() == org.apache.arrow.flatbuf.CompressionType.ZSTD;
  }

  private static boolean magicAt(ByteBuffer b, int at) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (b.get(at + i) != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static void collectDictionaryFields(Field f, Map<Long, Field> out) {
    if (f.getDictionary() != null) {
      out.put(f.getDictionary().getId(), f);
    }
    for (Field c : f.getChildren()) {
      collectDictionaryFields(c, out);
    }
  }

  /** Reads messages and batches of one file. */
  private static final class Parser {
    final Path file;
    final ByteBuffer all;

    Parser(Path file, ByteBuffer all) {
      this.file = file;
      this.all = all;
    }

    /** The message at a block: an optional 0xFFFFFFFF continuation, its length, its flatbuffer. */
    Message message(ArrowBlock block) {
      long offset = block.getOffset();
      checkRange(offset, block.getMetadataLength() + block.getBodyLength(), "block");
      int at = (int) offset;
      int length = all.getInt(at);
      int start = at + 4;
      if (length == -1) {
        length = all.getInt(at + 4);
        start = at + 8;
      }
      if (length <= 0 || start + (long) length > offset + block.getMetadataLength()) {
        throw new CorruptFileException(file, "bad message length " + length + " at " + offset);
      }
      return Message.getRootAsMessage(all.slice(start, length).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** The columns of {@code fields} in a batch whose body follows the block's metadata. */
    List<Column> batch(RecordBatch rb, ArrowBlock block, List<Field> fields) {
      if (!zstdOrPlain(rb.compression())) {
        throw new CorruptFileException(file, "has buffers compressed with codec " + rb.compression().codec()
            + " (files read in place are plain or ZSTD)");
      }
      boolean zstd = rb.compression() != null;
      long body = block.getOffset() + block.getMetadataLength();
      int[] at = {0, 0}; // next node, next buffer
      List<Column> out = new ArrayList<>();
      for (Field f : fields) {
        out.add(column(f, rb, body, block.getBodyLength(), at, zstd));
      }
      if (at[0] != rb.nodesLength() || at[1] != rb.buffersLength()) {
        throw new CorruptFileException(file, "batch has " + rb.nodesLength() + " nodes and " + rb.buffersLength()
            + " buffers, the schema " + at[0] + " and " + at[1]);
      }
      return out;
    }

    private Column column(Field f, RecordBatch rb, long body, long bodyLength, int[] at, boolean zstd) {
      if (at[0] >= rb.nodesLength()) {
        throw new CorruptFileException(file, "batch has too few nodes for " + f.getName());
      }
      org.apache.arrow.flatbuf.FieldNode node = rb.nodes(at[0]++);
      if (node.length() < 0 || node.length() > Integer.MAX_VALUE || node.nullCount() < 0 || node.nullCount() > node.length()) {
        throw new CorruptFileException(file, "bad node of " + f.getName());
      }
      int length = (int) node.length();
      ArrowType type = f.getDictionary() != null ? f.getDictionary().getIndexType() : f.getType();
      int count = TypeLayout.getTypeLayout(type).getBufferLayouts().size();
      ByteBuffer[] buffers = new ByteBuffer[count];
      for (int i = 0; i < count; i++) {
        if (at[1] >= rb.buffersLength()) {
          throw new CorruptFileException(file, "batch has too few buffers for " + f.getName());
        }
        org.apache.arrow.flatbuf.Buffer b = rb.buffers(at[1]++);
        if (b.offset() < 0 || b.length() < 0 || b.offset() + b.length() > bodyLength) {
          throw new CorruptFileException(file, "buffer of " + f.getName() + " outside its batch");
        }
        checkRange(body + b.offset(), b.length(), "buffer of " + f.getName());
        ByteBuffer slice = all.slice((int) (body + b.offset()), (int) b.length()).order(ByteOrder.LITTLE_ENDIAN);
        buffers[i] = zstd ? decompressed(slice, f.getName()) : slice;
      }
      List<Column> children = new ArrayList<>();
      for (Field child : f.getChildren()) {
        children.add(column(child, rb, body, bodyLength, at, zstd));
      }
      Column c = new Column(f, length, (int) node.nullCount(), buffers, children);
      checkSizes(c, type);
      return c;
    }

    /**
     * A buffer of a ZSTD batch (Arrow IPC's BUFFER method): empty, or its uncompressed length (int64)
     * then either a Zstandard frame of that length or, after a length of -1, the bytes themselves.
     */
    private ByteBuffer decompressed(ByteBuffer buffer, String name) {
      if (buffer.limit() == 0) {
        return buffer;
      }
      if (buffer.limit() < Long.BYTES) {
        throw new CorruptFileException(file, "compressed buffer of " + name + " has no length");
      }
      long length = buffer.getLong(0);
      ByteBuffer rest = buffer.slice(Long.BYTES, buffer.limit() - Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      if (length == -1) {
        return rest;
      }
      if (length < 0 || length > Integer.MAX_VALUE - 16) {
        throw new CorruptFileException(file, "compressed buffer of " + name + " claims " + length + " bytes");
      }
      byte[] src = new byte[rest.limit()];
      rest.get(0, src);
      byte[] out = new byte[(int) length];
      long n = com.github.luben.zstd.Zstd.decompressByteArray(out, 0, out.length, src, 0, src.length);
      if (com.github.luben.zstd.Zstd.isError(n) || n != length) {
        throw new CorruptFileException(file, "compressed buffer of " + name + " does not decompress to its "
            + length + " bytes" + (com.github.luben.zstd.Zstd.isError(n) ? ": " + com.github.luben.zstd.Zstd.getErrorName(n) : ""));
      }
      return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Buffers long enough for the node: validity bits, fixed-width values, offsets and what they point to. */
    private void checkSizes(Column c, ArrowType type) {
      int n = c.length();
      String name = c.field().getName();
      if (count(type) > 0 && !(c.nullCount() == 0 && c.buffers[0].limit() == 0) && c.buffers[0].limit() < (n + 7) / 8) {
        throw new CorruptFileException(file, "validity of " + name + " is too short");
      }
      switch (type.getTypeID()) {
        case Int, FloatingPoint -> {
          int width = type instanceof ArrowType.Int i ? i.getBitWidth() / 8 : 8;
          if (type instanceof ArrowType.FloatingPoint fp
              && fp.getPrecision() != org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE) {
            throw new CorruptFileException(file, name + " is not float64");
          }
          if (c.buffers[1].limit() < (long) n * width) {
            throw new CorruptFileException(file, "data of " + name + " is too short");
          }
        }
        case Utf8 -> {
          int end = lastOffset(c, name);
          if (end > c.buffers[2].limit()) {
            throw new CorruptFileException(file, "offsets of " + name + " point past its data");
          }
        }
        case List, Map -> {
          int end = lastOffset(c, name);
          if (c.children().size() != 1 || end > c.children().get(0).length()) {
            throw new CorruptFileException(file, "offsets of " + name + " point past its entries");
          }
        }
        case Struct -> {
          for (Column child : c.children()) {
            if (child.length() < n) {
              throw new CorruptFileException(file, "child " + child.field().getName() + " of " + name + " is too short");
            }
          }
        }
        default -> throw new CorruptFileException(file, name + " has unsupported type " + type);
      }
    }

    private static int count(ArrowType type) {
      return TypeLayout.getTypeLayout(type).getBufferLayouts().size();
    }

    private int lastOffset(Column c, String name) {
      int n = c.length();
      if (n == 0) {
        return 0;
      }
      ByteBuffer offsets = c.buffers[1];
      if (offsets.limit() < (n + 1) * 4L) {
        throw new CorruptFileException(file, "offsets of " + name + " are too short");
      }
      int first = offsets.getInt(0);
      int last = offsets.getInt(n * 4);
      if (first < 0 || last < first) {
        throw new CorruptFileException(file, "bad offsets of " + name);
      }
      return last;
    }

    private void checkRange(long offset, long length, String what) {
      if (offset < 0 || length < 0 || offset + length > all.limit()) {
        throw new CorruptFileException(file, what + " at " + offset + " (+" + length + ") lies outside the file");
      }
    }
  }
}
