package io.basalt.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A batch of writes run on one thread that share one sync, run by that thread.
 *
 * <p>Inside {@link #run}, a durable write (FUA, or a write with the write cache off) appends
 * and queues its wait for the sync as usual, but does not wake the log's syncer. When the
 * batch is done, the thread takes the log's sync slot if no other thread holds it, and forces
 * the log itself, serving every waiter queued by then (the batch's and others'), until no
 * waiter is left; if another thread holds the slot, that thread serves them. A durable write
 * then costs one thread hand-off fewer (worker to syncer), which on a virtualised two-core
 * machine, where a wake-up costs tens of microseconds, is most of its CPU beyond the append.
 *
 * <p>Nothing inside {@code writes} may wait for a sync that a write of the same batch asked
 * for: it would wait for itself. The iSCSI layer runs only plain writes in batches; their
 * waits for durability are futures.
 */
public final class WriteBatch {
    private static final ThreadLocal<List<SegmentLog>> OWED = new ThreadLocal<>();

    private WriteBatch() {
    }

    /** Runs {@code writes} on this thread, then syncs what they asked to be synced (see above). */
    public static void run(Runnable writes) {
        if (OWED.get() != null) {
            writes.run(); // nested: the outer batch syncs
            return;
        }
        List<SegmentLog> owed = new ArrayList<>(1);
        OWED.set(owed);
        try {
            writes.run();
        } finally {
            OWED.remove();
            for (SegmentLog log : owed) {
                log.lead();
            }
        }
    }

    /**
     * Called by {@link SegmentLog#sync} with its sync lock held, when no thread holds the sync
     * slot: whether the calling thread is in a batch, which then syncs {@code log} at its end.
     */
    static boolean defer(SegmentLog log) {
        List<SegmentLog> owed = OWED.get();
        if (owed == null) {
            return false;
        }
        if (!owed.contains(log)) {
            owed.add(log);
        }
        return true;
    }
}
