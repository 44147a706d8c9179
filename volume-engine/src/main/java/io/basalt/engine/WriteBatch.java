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
 * <p>Only a write's own durability future is deferred ({@code SegmentLog.sync(true)}, from
 * {@code BlockEngine.write}); a sync some code joins, such as the checkpoint that
 * back-pressure runs on a writer's thread, wakes the syncer as always, and that sync serves
 * the deferred waiters too. Nothing inside {@code writes} may join a write's durability
 * future: it would wait for itself. The iSCSI layer runs only plain writes in batches.
 *
 * <p>A thread that must not sync itself (an event loop) uses {@link #deferOnThisThread} and
 * {@link #wakeDeferred} instead: its durable writes queue as in a batch, and at the end the
 * log's syncer is woken once rather than the thread leading the sync.
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
        Throwable thrown = null;
        try {
            writes.run();
        } catch (Throwable t) {
            thrown = t;
        } finally {
            OWED.remove();
        }
        for (SegmentLog log : owed) { // each one, whatever another one threw: its waiters need a sync
            try {
                log.lead();
            } catch (Throwable t) {
                if (thrown == null) {
                    thrown = t;
                } else {
                    thrown.addSuppressed(t);
                }
            }
        }
        if (thrown instanceof RuntimeException re) {
            throw re;
        }
        if (thrown instanceof Error e) {
            throw e;
        }
        if (thrown != null) { // a checked exception thrown sneakily
            throw new IllegalStateException(thrown);
        }
    }

    /**
     * For a thread that must not sync itself (an event loop): from now until
     * {@link #wakeDeferred}, durable writes on this thread queue their waits without waking the
     * log's syncer, which {@code wakeDeferred} then wakes once. The writes of one pass of an
     * event loop so share the sync they wait for, instead of the first one starting a sync
     * that the rest just miss. Returns true if this opened the deferral (the caller must
     * arrange for {@code wakeDeferred} to run on this thread), false if it was open already.
     */
    public static boolean deferOnThisThread() {
        if (OWED.get() != null) {
            return false;
        }
        OWED.set(new ArrayList<>(1));
        return true;
    }

    /** Ends this thread's deferral ({@link #deferOnThisThread}) and wakes the syncer of each log it owes. */
    public static void wakeDeferred() {
        List<SegmentLog> owed = OWED.get();
        OWED.remove();
        if (owed != null) {
            owed.forEach(SegmentLog::wakeSyncer);
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
