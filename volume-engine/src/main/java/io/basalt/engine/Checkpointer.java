package io.basalt.engine;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.lmdbjava.Txn;

/**
 * Folds appended records into the LMDB index. Durability order: the records' data is synced
 * first, then one index transaction applies them all and moves the recovery point past them;
 * only then do their memtable entries go. Triggers are named and counted (interval, entries,
 * request).
 */
final class Checkpointer implements Closeable {
    private static final Logger LOG = Logger.getLogger(Checkpointer.class.getName());

    enum Trigger { INTERVAL, ENTRIES, REQUEST, CLOSE }

    private final SegmentLog log;
    private final Index index;
    private final Catalog catalog;
    private final IndexApplier applier;
    private final Memtable memtable;
    private final ReentrantLock writerLock;
    private final EngineConfig cfg;
    private final LongSupplier nextSeq;
    private final Object mutex = new Object();
    private final Object signal = new Object();
    private volatile boolean closing;
    private volatile EngineException failure;
    private Thread thread;

    /** Incremented after every committed checkpoint; readers retry when it moved under them. */
    volatile long generation;
    final AtomicLong[] byTrigger = {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()};

    Checkpointer(SegmentLog log, Index index, Catalog catalog, IndexApplier applier, Memtable memtable,
                 ReentrantLock writerLock, EngineConfig cfg, LongSupplier nextSeq) {
        this.log = log;
        this.index = index;
        this.catalog = catalog;
        this.applier = applier;
        this.memtable = memtable;
        this.writerLock = writerLock;
        this.cfg = cfg;
        this.nextSeq = nextSeq;
    }

    void start() {
        thread = new Thread(this::loop, "basalt-checkpointer");
        thread.setDaemon(true);
        thread.start();
    }

    EngineException failure() {
        return failure;
    }

    private void loop() {
        long intervalMs = Math.max(1, cfg.checkpointInterval.toMillis());
        while (!closing) {
            boolean full;
            synchronized (signal) {
                if (log.pendingEntries() < cfg.checkpointEntries) {
                    try {
                        signal.wait(intervalMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                full = log.pendingEntries() >= cfg.checkpointEntries;
            }
            if (closing) {
                return;
            }
            try {
                checkpoint(full ? Trigger.ENTRIES : Trigger.INTERVAL);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "checkpoint failed", e);
            }
        }
    }

    /** Wakes the thread when enough entries are pending. Called by writers after appending. */
    void nudge(int pendingEntries) {
        if (pendingEntries >= cfg.checkpointEntries) {
            synchronized (signal) {
                signal.notifyAll();
            }
        }
    }

    /** Back-pressure: a writer waits here while the pending index is above its bound. */
    void awaitRoom() {
        while (log.pendingEntries() > cfg.maxPendingEntries && !closing) {
            checkpoint(Trigger.ENTRIES);
        }
    }

    /** Runs one checkpoint in the calling thread. */
    void checkpoint(Trigger trigger) {
        if (failure != null) {
            throw failure;
        }
        synchronized (mutex) {
            SegmentLog.Drained d = log.drain();
            if (d.records().isEmpty() && d.end().equals(catalog.replayFrom)) {
                return;
            }
            log.sync().join();
            writerLock.lock();
            SegmentLog.Position replayedFrom = catalog.replayFrom;
            try (Txn<ByteBuffer> txn = index.writeTxn()) {
                applier.applyAll(txn, d.records());
                catalog.replayFrom = d.end();
                catalog.nextSeq = nextSeq.getAsLong();
                catalog.saveDirty(index, txn);
                catalog.saveState(index, txn);
                index.commit(txn);
            } catch (RuntimeException e) {
                // The index and the in-memory counters may now disagree: stop accepting writes.
                // Nothing is lost: the records stay in the log and in the memtable, and the
                // next start replays them. The replay point stays where the index is, in case
                // anything still saves the catalog's state.
                catalog.replayFrom = replayedFrom;
                failure = new EngineException(EngineException.Kind.IO_ERROR, "index checkpoint failed: " + e.getMessage(), e);
                throw failure;
            } finally {
                writerLock.unlock();
            }
            generation++;
            for (PendingRecord r : d.records()) {
                for (int i = 0; i < r.blockCount() && (r.type() == RecordFormat.DATA || r.blockCount() <= BlockEngine.SMALL_TRIM_BLOCKS); i++) {
                    memtable.removeIfSame(r.lineage(), r.firstBlock() + i,
                            r.type() == RecordFormat.DATA ? r.loc(i) : Loc.tombstone(r.seq()));
                }
            }
            byTrigger[trigger.ordinal()].incrementAndGet();
        }
    }

    @Override
    public void close() {
        closing = true;
        synchronized (signal) {
            signal.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
