package io.basalt.target.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * SYNCHRONIZE CACHE (10) and (16) (SBC-4 §5.25, §5.26): makes every completed write durable.
 * The engine flushes everything, so the range is only checked. With IMMED=1 the status comes
 * back once the CDB is validated; the flush still runs.
 */
final class SynchronizeCache {
    private SynchronizeCache() {
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        byte[] cdb = r.cdb();
        long lba = Cdb.lba(cdb);
        long blocks = r.blocksOrToEnd(lba, Cdb.blocks(cdb)); // NUMBER OF LOGICAL BLOCKS 0: to the end
        Sense range = r.checkRange(lba, blocks);
        if (range != null) {
            return Command.now(range);
        }
        CompletableFuture<Void> flush = r.lun().device().flush();
        if ((cdb[1] & 0x02) != 0) {
            return Command.now(ScsiResult.good());
        }
        return flush.thenApply(v -> ScsiResult.good());
    }
}
