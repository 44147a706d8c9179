package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;

/**
 * A command on its way through a handler: the LU, the task, the table entry that matched and
 * the table itself (REPORT SUPPORTED OPERATION CODES describes it).
 * The task's Data-Out stays owned by the dispatcher (released when the command completes), so
 * handlers may read it but never release it.
 */
public record ScsiRequest(Lun lun, ScsiTask task, Command command, CommandTable table) {
    public byte[] cdb() {
        return task.cdb();
    }

    public Nexus nexus() {
        return task.nexus();
    }

    public int blockSize() {
        return lun.blockSize();
    }

    /** Data-Out (may be null or shorter than the CDB asks when the initiator sent less). */
    public ByteBuf dataOut() {
        return task.dataOut();
    }

    public int dataOutBytes() {
        return task.dataOut() == null ? 0 : task.dataOut().readableBytes();
    }

    /**
     * SBC-4 §4.5: LBA OUT OF RANGE when {@code lba + blocks} passes the capacity. A zero-length
     * transfer at the capacity itself is in range. LBAs are unsigned 64-bit values.
     */
    public Sense checkRange(long lba, long blocks) {
        return lun.inRange(lba, blocks) ? null : Sense.lbaOutOfRange();
    }

    /**
     * The block count of a command whose length 0 means "from {@code lba} to the end of the
     * medium" (SYNCHRONIZE CACHE, PRE-FETCH): {@code blocks}, or the rest of the medium for 0
     * (none when {@code lba} is past it, which {@link #checkRange} then refuses).
     */
    public long blocksOrToEnd(long lba, long blocks) {
        if (blocks != 0) {
            return blocks;
        }
        long capacity = lun.blockCount();
        return Long.compareUnsigned(lba, capacity) <= 0 ? capacity - lba : 0;
    }
}
