package io.basalt.target.scsi;

/**
 * The checks READ, WRITE, VERIFY and WRITE AND VERIFY share (SBC-4 §4.5, §5): the protection
 * field, the LBA range and the transfer length limit, in that order.
 *
 * @param lba    first logical block
 * @param blocks number of logical blocks
 * @param error  why the CDB is refused, or null
 */
record BlockCommand(long lba, long blocks, Sense error) {
    /** Decodes a READ/WRITE/VERIFY-style CDB; {@code limitLength}: enforce MAXIMUM TRANSFER LENGTH. */
    static BlockCommand parse(ScsiRequest r, boolean limitLength) {
        byte[] cdb = r.cdb();
        int size = Cdb.groupLength(Cdb.u8(cdb, 0));
        long lba = Cdb.lba(cdb);
        long blocks = Cdb.blocks(cdb);
        if (size != 6 && (cdb[1] & 0xe0) != 0) {
            // RDPROTECT/WRPROTECT/VRPROTECT: no protection information (INQUIRY PROTECT=0).
            return new BlockCommand(lba, blocks, Sense.invalidFieldInCdb(1, 7));
        }
        Sense range = r.checkRange(lba, blocks);
        if (range != null) {
            return new BlockCommand(lba, blocks, range);
        }
        if (limitLength && blocks > BlockLimits.maxTransferBlocks(r.blockSize())) {
            return new BlockCommand(lba, blocks, Sense.invalidFieldInCdb(lengthField(size), 7));
        }
        return new BlockCommand(lba, blocks, null);
    }

    /** Byte offset of the TRANSFER LENGTH field, for field pointers. */
    static int lengthField(int cdbSize) {
        return switch (cdbSize) {
            case 6 -> 4;
            case 12 -> 6;
            case 16 -> 10;
            default -> 7;
        };
    }

    BlockCommand failing(Sense sense) {
        return new BlockCommand(lba, blocks, sense);
    }

    long offset(int blockSize) {
        return lba * blockSize;
    }

    int bytes(int blockSize) {
        return Math.toIntExact(blocks * blockSize);
    }
}
