package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;

/**
 * UNMAP (SBC-4 §5.32): deallocates the LBA ranges of the parameter list, which then read as
 * zeros (LBPRZ=1). Every descriptor is validated before any range is touched.
 */
final class Unmap {
    private static final int HEADER = 8;
    private static final int DESCRIPTOR = 16;

    private Unmap() {
    }

    static long dataOutLength(byte[] cdb, int blockSize) {
        return Cdb.u16(cdb, 7);
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        byte[] cdb = r.cdb();
        if ((cdb[1] & 0x01) != 0) {
            return Command.now(Sense.invalidFieldInCdb(1, 0)); // ANCHOR: ANC_SUP=0
        }
        int length = Cdb.u16(cdb, 7);
        if (length == 0) {
            return Command.now(ScsiResult.good());
        }
        if (length < HEADER) {
            return Command.now(Sense.illegalRequest(Asc.PARAMETER_LIST_LENGTH_ERROR));
        }
        if (r.dataOutBytes() < length) {
            return Command.now(Sense.illegalRequest(Asc.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT));
        }
        if (r.lun().mode().softwareWriteProtect()) {
            return Command.now(Sense.of(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED));
        }
        ByteBuf p = r.dataOut();
        int base = p.readerIndex();
        int count = Math.min(p.getUnsignedShort(base + 2), length - HEADER) / DESCRIPTOR;
        if (count > BlockLimits.MAX_UNMAP_DESCRIPTORS) {
            return Command.now(Sense.invalidFieldInParameterList(2, 7));
        }
        long total = 0;
        List<long[]> ranges = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = base + HEADER + i * DESCRIPTOR;
            long lba = p.getLong(at);
            long blocks = p.getUnsignedInt(at + 8);
            Sense range = r.checkRange(lba, blocks);
            if (range != null) {
                return Command.now(range);
            }
            total += blocks;
            if (total > BlockLimits.maxUnmapBlocks(r.blockSize())) {
                return Command.now(Sense.invalidFieldInParameterList(HEADER + i * DESCRIPTOR + 8, 7));
            }
            if (blocks > 0) {
                ranges.add(new long[] {lba, blocks});
            }
        }
        return unmapAll(r, ranges).thenApply(v -> ScsiResult.good());
    }

    private static CompletableFuture<Void> unmapAll(ScsiRequest r, List<long[]> ranges) {
        int bs = r.blockSize();
        CompletableFuture<?>[] done = new CompletableFuture<?>[ranges.size()];
        Lock lock = r.lun().sharedWrites();
        lock.lock();
        try {
            for (int i = 0; i < done.length; i++) {
                done[i] = r.lun().device().unmap(ranges.get(i)[0] * bs, ranges.get(i)[1] * bs);
            }
        } finally {
            lock.unlock();
        }
        return CompletableFuture.allOf(done);
    }
}
