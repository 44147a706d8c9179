package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;

/**
 * WRITE ATOMIC (16) (SBC-4 §5.48, §4.29): all of the blocks are written or none, after a
 * crash as for other commands.
 *
 * <ul>
 * <li>Crashes: the engine stores a write whose 4 KiB blocks number at most 256 as one log
 *     record, and recovery keeps a record whole or drops it (its checksums cover every block).
 *     {@link #maxBlocks} is the longest write that spans at most 256 engine blocks wherever it
 *     starts, so no alignment is asked of the initiator. The Data-Out goes to the device as
 *     one buffer, never split into pieces.</li>
 * <li>Other commands: the write runs under the LU's exclusive write lock, so no write
 *     interleaves, and inside {@link Lun#atomically}, so every read sees all of it or none
 *     (reads elsewhere on the LU are not held up; see {@link AtomicWrites}).</li>
 * </ul>
 * There is no atomic boundary (MAXIMUM ATOMIC BOUNDARY SIZE 0): a non-zero ATOMIC BOUNDARY is
 * refused. A Data-Out shorter than the CDB asks writes nothing.
 */
final class WriteAtomic {
    private WriteAtomic() {
    }

    /** MAXIMUM ATOMIC TRANSFER LENGTH: 2,041 blocks of 512 bytes, 256 of 4096. */
    static long maxBlocks(int blockSize) {
        int perEngineBlock = BlockLimits.blocksPerPhysical(blockSize);
        return 256L * perEngineBlock - (perEngineBlock - 1);
    }

    static long dataOutLength(byte[] cdb, int blockSize) {
        return (long) Cdb.u16(cdb, 12) * blockSize;
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        byte[] cdb = r.cdb();
        if ((cdb[1] & 0xe0) != 0) {
            return Command.now(Sense.invalidFieldInCdb(1, 7)); // WRPROTECT: no protection information
        }
        if (Cdb.u16(cdb, 10) != 0) {
            return Command.now(Sense.invalidFieldInCdb(10, 7)); // ATOMIC BOUNDARY
        }
        long lba = Cdb.u64(cdb, 2);
        int blocks = Cdb.u16(cdb, 12);
        Sense range = r.checkRange(lba, blocks);
        if (range != null) {
            return Command.now(range);
        }
        int bs = r.blockSize();
        if (blocks > maxBlocks(bs)) {
            return Command.now(Sense.invalidFieldInCdb(12, 7));
        }
        if (r.lun().mode().softwareWriteProtect()) {
            return Command.now(Sense.of(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED)); // as WRITE: even for 0 blocks
        }
        if (blocks == 0) {
            return Command.now(ScsiResult.good());
        }
        int length = blocks * bs;
        if (r.dataOutBytes() < length) {
            return Command.now(Sense.illegalRequest(Asc.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT));
        }
        boolean durable = (cdb[1] & 0x08) != 0 || !r.lun().mode().writeCacheEnabled();
        ByteBuf data = r.dataOut();
        ByteBuffer whole = data.nioBuffer(data.readerIndex(), length); // one buffer: one engine write
        Lun lun = r.lun();
        Lock lock = lun.exclusiveWrites();
        lock.lock();
        try {
            return lun.atomically(lba * bs, length, () -> lun.device().write(lba * bs, whole, durable))
                    .thenApply(v -> ScsiResult.good());
        } finally {
            lock.unlock();
        }
    }
}
