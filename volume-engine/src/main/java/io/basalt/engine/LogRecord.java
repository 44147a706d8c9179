package io.basalt.engine;

/**
 * A record read back from a segment (recovery, cleaning).
 *
 * @param offset        where the record starts in its segment
 * @param payloadOffset where its first stored block starts in the segment
 * @param endOffset     first byte after the record
 */
record LogRecord(byte type, long lineage, long firstBlock, int blockCount, long seq,
                 long segmentId, long offset, long payloadOffset, long endOffset, int[] lens, int[] crcs) {

    /** Segment offset of block {@code i}'s stored bytes. */
    long blockOffset(int i) {
        long off = payloadOffset;
        for (int k = 0; k < i; k++) {
            off += lens[k];
        }
        return off;
    }
}
