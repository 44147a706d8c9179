package io.basalt.engine;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Byte layout of a log record. Only this class and {@link RecordScanner} know it.
 *
 * <pre>
 *  0  int   magic 0xBA5A1701
 *  4  byte  type (DATA, TRIM, RELOC, SEAL)
 *  5  byte  flags (reserved, 0)
 *  6  short reserved
 *  8  long  lineage id
 * 16  long  first block
 * 24  int   block count
 * 28  int   payload length (sum of the stored block lengths)
 * 32  long  sequence number
 * 40  int   CRC32C of bytes [0,40), the block table, and the segment id (so a record copied
 *           into another segment, or stale bytes past the end, never validate)
 * 44  int   reserved
 * 48  block table: per block (int stored length, int CRC32C of the stored bytes); DATA/RELOC only
 *     payload: the stored blocks back to back. A stored length below 4096 means LZ4-compressed.
 * </pre>
 */
final class RecordFormat {
    static final int MAGIC = 0xBA5A1701;
    static final int HEADER_BYTES = 48;
    static final int TABLE_ENTRY_BYTES = 8;
    /** A DATA record carries at most this many blocks (1 MiB), so records stay well inside a segment. */
    static final int MAX_BLOCKS_PER_RECORD = 256;
    /** A TRIM record covers a block range of any length; it carries no table. */
    static final byte DATA = 1;
    static final byte TRIM = 2;
    /** A block copied by the cleaner; its index update is the cleaner's transaction, so replay skips it. */
    static final byte RELOC = 3;
    /**
     * The last record of every full segment: recovery continues into the next segment only
     * after a SEAL, so bytes past the end of a reused segment file are never mistaken for a
     * torn tail, and a log that ends without one ends there.
     */
    static final byte SEAL = 4;
    static final int SEAL_BYTES = HEADER_BYTES;
    /** The longest record: a header and a full table of uncompressed blocks. */
    static final int MAX_RECORD_BYTES = HEADER_BYTES + MAX_BLOCKS_PER_RECORD * (TABLE_ENTRY_BYTES + Blocks.BLOCK_SIZE);

    private RecordFormat() {
    }

    static int headerAndTableBytes(byte type, int blockCount) {
        return HEADER_BYTES + (hasTable(type) ? blockCount * TABLE_ENTRY_BYTES : 0);
    }

    /** DATA and RELOC records carry blocks; TRIM and SEAL are a header only. */
    static boolean hasTable(byte type) {
        return type == DATA || type == RELOC;
    }

    /**
     * Writes header and table into {@code out} (position advanced). {@code lens}/{@code crcs}
     * are ignored for TRIM.
     */
    static void encodeHeader(ByteBuffer out, byte type, long lineage, long firstBlock, int blockCount,
                             long seq, int[] lens, int[] crcs, long segmentId) {
        int start = out.position();
        int payload = 0;
        if (hasTable(type)) {
            for (int i = 0; i < blockCount; i++) {
                payload += lens[i];
            }
        }
        out.putInt(MAGIC).put(type).put((byte) 0).putShort((short) 0)
                .putLong(lineage).putLong(firstBlock).putInt(blockCount).putInt(payload).putLong(seq)
                .putInt(0).putInt(0);
        if (hasTable(type)) {
            for (int i = 0; i < blockCount; i++) {
                out.putInt(lens[i]).putInt(crcs[i]);
            }
        }
        int crc = headerCrc(out, start, out.position() - start, segmentId);
        out.putInt(start + 40, crc);
    }

    static int headerCrc(ByteBuffer buf, int start, int length, long segmentId) {
        CRC32C c = new CRC32C();
        ByteBuffer b = buf.duplicate();
        b.limit(start + 40).position(start);
        c.update(b);
        b.limit(start + length).position(start + HEADER_BYTES);
        c.update(b);
        ByteBuffer seg = ByteBuffer.allocate(8).putLong(0, segmentId);
        c.update(seg);
        return (int) c.getValue();
    }

    static int crc(ByteBuffer data) {
        CRC32C c = new CRC32C();
        c.update(data.duplicate());
        return (int) c.getValue();
    }

    /**
     * CRC32C of bytes [at, at + n) of {@code b}. Moves b's position and limit for the update
     * and puts them back (no view object on the read path); b must not be shared meanwhile.
     */
    static int crc(ByteBuffer b, int at, int n) {
        int position = b.position();
        int limit = b.limit();
        CRC32C c = new CRC32C();
        b.limit(at + n).position(at);
        c.update(b);
        b.limit(limit).position(position);
        return (int) c.getValue();
    }
}
