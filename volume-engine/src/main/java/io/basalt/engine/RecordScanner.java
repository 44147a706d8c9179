package io.basalt.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Reads records of one segment in order, validating every checksum. The first record that
 * does not validate (zeros past the end, or a torn tail after a crash) ends the scan.
 */
final class RecordScanner {
    private final FileChannel ch;
    private final long segmentId;
    private final long limit;
    private final boolean verifyPayload;
    private long pos;

    RecordScanner(FileChannel ch, long segmentId, long startOffset, long limit, boolean verifyPayload) {
        this.ch = ch;
        this.segmentId = segmentId;
        this.pos = startOffset;
        this.limit = limit;
        this.verifyPayload = verifyPayload;
    }

    /** Offset just past the last valid record returned (the append point after recovery). */
    long position() {
        return pos;
    }

    /** Next valid record, or null at the end of the valid prefix. */
    LogRecord next() throws IOException {
        if (pos + RecordFormat.HEADER_BYTES > limit) {
            return null;
        }
        ByteBuffer h = ByteBuffer.allocate(RecordFormat.HEADER_BYTES);
        if (!readFully(h, pos)) {
            return null;
        }
        h.flip();
        if (h.getInt(0) != RecordFormat.MAGIC) {
            return null;
        }
        byte type = h.get(4);
        int count = h.getInt(24);
        int payload = h.getInt(28);
        if (type != RecordFormat.DATA && type != RecordFormat.TRIM && type != RecordFormat.RELOC && type != RecordFormat.SEAL) {
            return null;
        }
        boolean table = RecordFormat.hasTable(type);
        if (count <= 0 || (table && count > RecordFormat.MAX_BLOCKS_PER_RECORD)) {
            return null;
        }
        if (payload < 0 || (table && payload > count * Blocks.BLOCK_SIZE) || (!table && payload != 0)) {
            return null;
        }
        int headLen = RecordFormat.headerAndTableBytes(type, count);
        if (pos + headLen + payload > limit) {
            return null;
        }
        ByteBuffer full = ByteBuffer.allocate(headLen);
        full.put(h.rewind());
        if (headLen > RecordFormat.HEADER_BYTES) {
            ByteBuffer t = full.slice();
            if (!readFully(t, pos + RecordFormat.HEADER_BYTES)) {
                return null;
            }
        }
        full.clear();
        if (RecordFormat.headerCrc(full, 0, headLen, segmentId) != full.getInt(40)) {
            return null;
        }
        int[] lens = new int[table ? count : 0];
        int[] crcs = new int[lens.length];
        int sum = 0;
        for (int i = 0; i < lens.length; i++) {
            lens[i] = full.getInt(RecordFormat.HEADER_BYTES + i * 8);
            crcs[i] = full.getInt(RecordFormat.HEADER_BYTES + i * 8 + 4);
            if (lens[i] <= 0 || lens[i] > Blocks.BLOCK_SIZE) {
                return null;
            }
            sum += lens[i];
        }
        if (sum != payload) {
            return null;
        }
        long payloadOffset = pos + headLen;
        if (verifyPayload && payload > 0 && !payloadValid(payloadOffset, lens, crcs)) {
            return null;
        }
        LogRecord r = new LogRecord(type, full.getLong(8), full.getLong(16), count, full.getLong(32),
                segmentId, pos, payloadOffset, payloadOffset + payload, lens, crcs);
        pos = r.endOffset();
        return r;
    }

    private boolean payloadValid(long off, int[] lens, int[] crcs) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(Blocks.BLOCK_SIZE);
        for (int i = 0; i < lens.length; i++) {
            b.clear().limit(lens[i]);
            if (!readFully(b, off)) {
                return false;
            }
            b.flip();
            CRC32C c = new CRC32C();
            c.update(b);
            if ((int) c.getValue() != crcs[i]) {
                return false;
            }
            off += lens[i];
        }
        return true;
    }

    private boolean readFully(ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, at);
            if (n < 0) {
                return false;
            }
            at += n;
        }
        return true;
    }
}
