package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;

/**
 * WRITE SAME (10) and (16) (SBC-4 §5.48, §5.49). A block of zeros (or NDOB=1) is written by
 * deallocating the range: with LBPRZ=1 deallocated blocks read as zeros, so this is both the
 * UNMAP=1 behaviour and the cheapest correct write of zeros. Any other pattern is replicated
 * into a chunk buffer and written chunk by chunk. WSNZ=1: a zero block count is refused.
 */
final class WriteSame {
    private static final int CHUNK_BYTES = 1 << 20;

    private WriteSame() {
    }

    static long dataOutLength(byte[] cdb, int blockSize) {
        return ndob(cdb) ? 0 : blockSize;
    }

    private static boolean ndob(byte[] cdb) {
        return Cdb.u8(cdb, 0) == 0x93 && (cdb[1] & 0x01) != 0;
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        byte[] cdb = r.cdb();
        int lengthField = Cdb.u8(cdb, 0) == 0x93 ? 10 : 7;
        if ((cdb[1] & 0xe0) != 0) {
            return Command.now(Sense.invalidFieldInCdb(1, 7)); // WRPROTECT
        }
        if ((cdb[1] & 0x10) != 0) {
            return Command.now(Sense.invalidFieldInCdb(1, 4)); // ANCHOR: ANC_SUP=0
        }
        long lba = Cdb.lba(cdb);
        long blocks = Cdb.blocks(cdb);
        Sense range = r.checkRange(lba, blocks);
        if (range != null) {
            return Command.now(range);
        }
        if (blocks == 0 || blocks > BlockLimits.MAX_WRITE_SAME_BLOCKS) {
            return Command.now(Sense.invalidFieldInCdb(lengthField, 7));
        }
        if (r.lun().mode().softwareWriteProtect()) {
            return Command.now(Sense.of(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED));
        }
        int bs = r.blockSize();
        boolean ndob = ndob(cdb);
        if (!ndob && (r.task().expectedLength() != bs || r.dataOutBytes() < bs)) {
            return Command.now(Sense.illegalRequest(Asc.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT));
        }
        Lock lock = r.lun().sharedWrites();
        lock.lock();
        try {
            CompletableFuture<Void> done = ndob || isZero(r.dataOut(), bs)
                    ? r.lun().device().unmap(lba * bs, blocks * bs)
                    : writePattern(r, lba, blocks);
            return done.thenApply(v -> ScsiResult.good());
        } finally {
            lock.unlock();
        }
    }

    private static boolean isZero(ByteBuf block, int length) {
        int base = block.readerIndex();
        for (int i = 0; i < length; i += 8) {
            if (block.getLong(base + i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Writes the pattern from one chunk buffer, released once every write has completed. */
    private static CompletableFuture<Void> writePattern(ScsiRequest r, long lba, long blocks) {
        int bs = r.blockSize();
        boolean durable = !r.lun().mode().writeCacheEnabled();
        int perChunk = (int) Math.min(blocks, CHUNK_BYTES / bs);
        ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(perChunk * bs);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        try {
            for (int i = 0; i < perChunk; i++) {
                chunk.writeBytes(r.dataOut(), r.dataOut().readerIndex(), bs);
            }
            for (long done = 0; done < blocks; done += perChunk) {
                int n = (int) Math.min(perChunk, blocks - done);
                writes.add(r.lun().device().write((lba + done) * bs, chunk.nioBuffer(0, n * bs), durable));
            }
        } catch (RuntimeException e) {
            writes.add(CompletableFuture.failedFuture(e));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0]));
        all.whenComplete((v, e) -> chunk.release());
        return all;
    }
}
