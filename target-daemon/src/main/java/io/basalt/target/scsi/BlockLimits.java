package io.basalt.target.scsi;

/**
 * The limits a Basalt LU advertises in the Block Limits VPD page (SBC-4 §6.6.4) and enforces.
 * Sizes are chosen in bytes and converted per logical block size.
 */
final class BlockLimits {
    /** Largest READ/WRITE: 8 MiB, bounding the Data-Out a command holds in memory. */
    static final int MAX_TRANSFER_BYTES = 8 << 20;
    static final int OPTIMAL_TRANSFER_BYTES = 1 << 20;
    /** Engine block: the unit of allocation, atomicity and GET LBA STATUS granularity. */
    static final int PHYSICAL_BLOCK = 4096;
    /** UNMAP: at most 512 MiB per command (at most 2^20 LBAs for 512-byte blocks). */
    static final long MAX_UNMAP_BYTES = 512L << 20;
    /** UNMAP descriptors fitting a 16-bit PARAMETER LIST LENGTH: (65535 - 8) / 16. */
    static final int MAX_UNMAP_DESCRIPTORS = 4095;
    /**
     * WRITE SAME: below 64 Ki blocks. Zeroing is an unmap and costs little; a pattern is
     * written block by block.
     */
    static final long MAX_WRITE_SAME_BLOCKS = 0xffff;
    /**
     * COMPARE AND WRITE: one logical block, which always lies inside one engine block and so
     * is atomic for readers too.
     */
    static final int MAX_COMPARE_AND_WRITE_BLOCKS = 1;

    private BlockLimits() {
    }

    static long maxTransferBlocks(int blockSize) {
        return MAX_TRANSFER_BYTES / blockSize;
    }

    static long maxUnmapBlocks(int blockSize) {
        return MAX_UNMAP_BYTES / blockSize;
    }

    /** Logical blocks per engine block: 8 for 512e, 1 for 4Kn. */
    static int blocksPerPhysical(int blockSize) {
        return PHYSICAL_BLOCK / blockSize;
    }

    /**
     * Block Limits VPD page (B0h), SBC-4 §6.6.4 table 218; WSNZ=1: WRITE SAME needs a length.
     * WRITE ATOMIC (16) takes any LBA and up to {@link WriteAtomic#maxBlocks} blocks.
     */
    static byte[] vpdPage(int blockSize) {
        byte[] b = new byte[64];
        b[1] = (byte) 0xb0;
        Cdb.put16(b, 2, b.length - 4);
        b[4] = 0x01;
        b[5] = (byte) MAX_COMPARE_AND_WRITE_BLOCKS;
        Cdb.put16(b, 6, blocksPerPhysical(blockSize));
        Cdb.put32(b, 8, maxTransferBlocks(blockSize));
        Cdb.put32(b, 12, OPTIMAL_TRANSFER_BYTES / blockSize);
        Cdb.put32(b, 20, maxUnmapBlocks(blockSize));
        Cdb.put32(b, 24, MAX_UNMAP_DESCRIPTORS);
        Cdb.put32(b, 28, blocksPerPhysical(blockSize));
        Cdb.put32(b, 32, 0x80000000L); // UGAVALID=1, UNMAP GRANULARITY ALIGNMENT=0
        Cdb.put64(b, 36, MAX_WRITE_SAME_BLOCKS);
        // MAXIMUM ATOMIC TRANSFER LENGTH; no alignment, granularity or boundary (bytes 48-63 zero).
        Cdb.put32(b, 44, WriteAtomic.maxBlocks(blockSize));
        return b;
    }
}
