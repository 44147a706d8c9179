package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;

/**
 * ORWRITE (16) (SBC-4 §5.8): every stored byte of the range becomes itself OR the Data-Out's
 * byte. The read, the OR and the write happen under the LU's exclusive write lock, as COMPARE
 * AND WRITE's do, so no other write lands between the read and the write; the write goes out
 * before the lock is released. ORPROTECT must be 0 (no protection information), DPO is
 * ignored, FUA=1 or a cleared WCE makes it complete only when durable.
 */
final class OrWrite {
    private OrWrite() {
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        BlockCommand c = Write.checks(r);
        if (c.error() != null) {
            return Command.now(c.error());
        }
        if (c.blocks() == 0) {
            return Command.now(ScsiResult.good());
        }
        int bs = r.blockSize();
        int length = c.bytes(bs);
        boolean durable = (r.cdb()[1] & 0x08) != 0 || !r.lun().mode().writeCacheEnabled();
        ByteBuf data = r.dataOut();
        Lock lock = r.lun().exclusiveWrites();
        lock.lock();
        try {
            ByteBuf stored = BlockIo.read(r.lun().device(), c.offset(bs), length);
            CompletableFuture<Void> written;
            try {
                or(stored, data, data.readerIndex(), length);
                written = BlockIo.write(r.lun().device(), c.offset(bs), stored, 0, length, durable);
            } catch (RuntimeException e) {
                stored.release();
                throw e;
            }
            return written.whenComplete((v, e) -> stored.release()).thenApply(v -> ScsiResult.good());
        } finally {
            lock.unlock();
        }
    }

    /** {@code into[i] |= from[fromIndex + i]} for {@code length} bytes, eight at a time. */
    static void or(ByteBuf into, ByteBuf from, int fromIndex, int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            into.setLong(i, into.getLong(i) | from.getLong(fromIndex + i));
        }
        for (; i < length; i++) {
            into.setByte(i, into.getByte(i) | from.getByte(fromIndex + i));
        }
    }
}
