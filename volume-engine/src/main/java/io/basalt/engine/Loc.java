package io.basalt.engine;

/**
 * Where one version of one block lives. A {@code zero} entry is a tombstone: the block reads
 * as zeros at this version (unmap, write-zeroes), shadowing older versions and ancestors.
 *
 * @param seq     the version (global sequence number of the write)
 * @param segment segment id holding the stored bytes
 * @param offset  offset of the stored bytes in the segment
 * @param length  stored length; below 4096 means LZ4-compressed
 * @param crc     CRC32C of the stored bytes
 */
record Loc(long seq, long segment, long offset, int length, int crc, boolean zero) {
    static final int VALUE_BYTES = 25;

    static Loc tombstone(long seq) {
        return new Loc(seq, 0, 0, 0, 0, true);
    }

    boolean compressed() {
        return !zero && length < Blocks.BLOCK_SIZE;
    }
}
