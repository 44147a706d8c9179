package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;

/**
 * WRITE (6), (10), (12), (16) and WRITE AND VERIFY (10), (12), (16) (SBC-4 §5.40-5.47).
 * FUA=1, or a cleared WCE, makes the write complete only when durable; DPO is ignored.
 */
final class Write {
    private Write() {
    }

    static long dataOutLength(byte[] cdb, int blockSize) {
        return Cdb.blocks(cdb) * blockSize;
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        BlockCommand c = checks(r);
        if (c.error() != null) {
            return Command.now(c.error());
        }
        if (c.blocks() == 0) {
            return Command.now(ScsiResult.good());
        }
        return write(r, c, fua(r)).thenApply(v -> ScsiResult.good());
    }

    /** The CDB's FUA bit (WRITE(6) has none). */
    private static boolean fua(ScsiRequest r) {
        return Cdb.groupLength(Cdb.u8(r.cdb(), 0)) != 6 && (r.cdb()[1] & 0x08) != 0;
    }

    /**
     * A small write started at once, on the calling thread, if the device can append it
     * without waiting ({@link BlockDevice#tryWrite}); null otherwise, having changed nothing.
     * The future completes when the write is done (durable, with FUA or without a write cache).
     */
    static CompletableFuture<ScsiResult> tryNow(ScsiRequest r) {
        BlockCommand c = checks(r);
        if (c.error() != null) {
            return Command.now(c.error());
        }
        if (c.blocks() == 0) {
            return Command.now(ScsiResult.good());
        }
        int bs = r.blockSize();
        ByteBuf data = r.dataOut();
        if (c.bytes(bs) > NON_BLOCKING_MAX || data.nioBufferCount() != 1) {
            return null;
        }
        boolean durable = fua(r) || !r.lun().mode().writeCacheEnabled();
        if (!r.lun().trySharedWrites()) {
            return null; // a COMPARE AND WRITE holds the LU's writes, or waits for them
        }
        Lock lock = r.lun().sharedWrites();
        CompletableFuture<Void> done;
        try {
            done = r.lun().device().tryWrite(c.offset(bs), data.nioBuffer(data.readerIndex(), c.bytes(bs)), durable);
        } finally {
            lock.unlock();
        }
        return done == null ? null : done.thenApply(v -> ScsiResult.good());
    }

    /** Writes up to this many bytes may be started on an event loop (as reads, {@link Read#NON_BLOCKING_MAX}). */
    static final int NON_BLOCKING_MAX = 16 << 10;

    /**
     * WRITE AND VERIFY: the data is written durably, read back and compared, whatever BYTCHK
     * says (BYTCHK=0 asks only for the read-back; comparing as well costs nothing more).
     */
    static CompletableFuture<ScsiResult> andVerify(ScsiRequest r) {
        BlockCommand c = checks(r);
        if (c.error() != null) {
            return Command.now(c.error());
        }
        if (c.blocks() == 0) {
            return Command.now(ScsiResult.good());
        }
        write(r, c, true).join();
        int bs = r.blockSize();
        ByteBuf stored = BlockIo.read(r.lun().device(), c.offset(bs), c.bytes(bs));
        try {
            int diff = BlockIo.firstDifference(stored, 0, r.dataOut(), r.dataOut().readerIndex(), c.bytes(bs));
            return Command.now(diff < 0 ? ScsiResult.good() : Verify.miscompare(diff));
        } finally {
            stored.release();
        }
    }

    /** CDB checks, software write protection, and the blocks the Data-Out actually holds. */
    static BlockCommand checks(ScsiRequest r) {
        BlockCommand c = BlockCommand.parse(r, true);
        if (c.error() != null) {
            return c;
        }
        if (r.lun().mode().softwareWriteProtect()) {
            return c.failing(Sense.of(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED));
        }
        long received = r.dataOutBytes();
        if (received < c.blocks() * r.blockSize()) {
            // Expected Data Transfer Length below the CDB's length (the transport reports the
            // overflow residual). Whole blocks: write just those (FCP-4 §9.4.2 a); a partial
            // block cannot be written, so nothing is (§9.4.2 b).
            if (received % r.blockSize() != 0) {
                return c.failing(Sense.illegalRequest(Asc.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT));
            }
            return new BlockCommand(c.lba(), received / r.blockSize(), null);
        }
        return c;
    }

    /** Issues the write under the LU's shared write lock; the future tracks durability. */
    static CompletableFuture<Void> write(ScsiRequest r, BlockCommand c, boolean fua) {
        int bs = r.blockSize();
        boolean durable = fua || !r.lun().mode().writeCacheEnabled();
        Lock lock = r.lun().sharedWrites();
        lock.lock();
        try {
            return BlockIo.write(r.lun().device(), c.offset(bs), r.dataOut(), r.dataOut().readerIndex(), c.bytes(bs),
                    durable);
        } finally {
            lock.unlock();
        }
    }
}
