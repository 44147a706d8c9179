package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;

/**
 * COMPARE AND WRITE (SBC-4 §5.3). The Data-Out holds the verify data then the write data. Under
 * the LU's exclusive write lock the stored blocks are read and compared; on a match the write
 * data is written before the lock is released, so no other write can slip in between. On a
 * miscompare nothing is written and INFORMATION holds the offset of the first differing byte.
 */
final class CompareAndWrite {
    private CompareAndWrite() {
    }

    static long dataOutLength(byte[] cdb, int blockSize) {
        return 2L * Cdb.u8(cdb, 13) * blockSize;
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        byte[] cdb = r.cdb();
        if ((cdb[1] & 0xe0) != 0) {
            return Command.now(Sense.invalidFieldInCdb(1, 7)); // WRPROTECT
        }
        long lba = Cdb.u64(cdb, 2);
        int blocks = Cdb.u8(cdb, 13);
        Sense range = r.checkRange(lba, blocks);
        if (range != null) {
            return Command.now(range);
        }
        int bs = r.blockSize();
        int half = blocks * bs;
        if (r.task().expectedLength() != 2L * half || r.dataOutBytes() < 2 * half) {
            // Data-Out must be exactly twice NUMBER OF LOGICAL BLOCKS; a mismatch usually means the
            // initiator's count did not fit the one-byte field (256 encodes as 0).
            return Command.now(Sense.invalidFieldInCdb(13, 7));
        }
        if (blocks == 0) {
            return Command.now(ScsiResult.good()); // not an error (SBC-4 §5.3)
        }
        if (blocks > BlockLimits.MAX_COMPARE_AND_WRITE_BLOCKS) {
            return Command.now(Sense.invalidFieldInCdb(13, 7));
        }
        if (r.lun().mode().softwareWriteProtect()) {
            return Command.now(Sense.of(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED));
        }
        boolean durable = (cdb[1] & 0x08) != 0 || !r.lun().mode().writeCacheEnabled();
        ByteBuf data = r.dataOut();
        Lock lock = r.lun().exclusiveWrites();
        lock.lock();
        try {
            ByteBuf stored = BlockIo.read(r.lun().device(), lba * bs, half);
            int diff;
            try {
                diff = BlockIo.firstDifference(stored, 0, data, data.readerIndex(), half);
            } finally {
                stored.release();
            }
            if (diff >= 0) {
                return Command.now(Verify.miscompare(diff));
            }
            return BlockIo.write(r.lun().device(), lba * bs, data, data.readerIndex() + half, half, durable)
                    .thenApply(v -> ScsiResult.good());
        } finally {
            lock.unlock();
        }
    }
}
