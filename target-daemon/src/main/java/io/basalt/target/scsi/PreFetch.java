package io.basalt.target.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * PRE-FETCH (10) and (16) (SBC-4 §5.9, §5.10): reads the range so that the reads which follow
 * find it in memory. Blocks live in the engine's segment files, cached by the kernel, so
 * reading them once is what brings them in; at most {@link #MAX_BYTES} are read, the rest of a
 * longer range is left to the reads themselves. The status is always GOOD, never CONDITION
 * MET: the kernel may evict the pages again, so the device cannot promise they stay. With
 * IMMED=1 the status comes back once the CDB is validated and nothing is read (a hint must not
 * hold a worker after its status is sent). PREFETCH LENGTH 0 means "to the end of the medium".
 */
final class PreFetch {
    /** The most one PRE-FETCH reads ahead. */
    static final int MAX_BYTES = 8 << 20;
    private static final int CHUNK_BYTES = 1 << 20;

    private PreFetch() {
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        byte[] cdb = r.cdb();
        long lba = Cdb.lba(cdb);
        long blocks = r.blocksOrToEnd(lba, Cdb.blocks(cdb));
        Sense range = r.checkRange(lba, blocks);
        if (range != null) {
            return Command.now(range);
        }
        if ((cdb[1] & 0x02) == 0) {
            int bs = r.blockSize();
            long total = Math.min(blocks * bs, MAX_BYTES);
            for (long done = 0; done < total; done += CHUNK_BYTES) {
                BlockIo.read(r.lun().device(), lba * bs + done, (int) Math.min(CHUNK_BYTES, total - done)).release();
            }
        }
        return Command.now(ScsiResult.good());
    }
}
