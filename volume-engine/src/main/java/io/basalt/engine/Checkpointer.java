package io.basalt.engine;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.lmdbjava.Txn;

/**
 * Folds appended records into the LMDB index. Durability order: the records' data is synced
 * first, then index transactions apply them in chunks, each moving the recovery point past
 * its records; only then do their memtable entries go. Triggers are named and counted
 * (interval, entries, request).
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
    /** Index commits made by checkpoints (one per chunk). */
    final AtomicLong commits = new AtomicLong();

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

    /**
     * Runs one checkpoint in the calling thread: syncs what it drained, then folds it into the
     * index in commits of at most about {@link EngineConfig#checkpointEntries} entries each,
     * every commit moving the replay point just past its last record (as recovery's batches
     * do). One commit's copy-on-write pages are so bounded by the entries it applies, at most
     * a leaf page each (64 Ki entries, 256 MiB: the default reserve, with a quarter of slack),
     * however long the backlog grew, up to the 1 Mi entries of back-pressure; and the writer
     * lock (metadata commits, the cleaner's) is held for one chunk at a time.
     */
    void checkpoint(Trigger trigger) {
        synchronized (mutex) {
            if (failure != null) {
                // Checked under the mutex: a checkpoint that waited for it while another one
                // failed would otherwise move the replay point past the failed records.
                throw failure;
            }
            SegmentLog.Drained d = log.drain();
            if (d.records().isEmpty() && d.end().equals(catalog.replayFrom)) {
                return;
            }
            try {
                log.sync().join();
                List<PendingRecord> records = d.records();
                long left = d.entries();
                int from = 0;
                do {
                    int to = chunkEnd(records, from, left, cfg.checkpointEntries);
                    for (int i = from; i < to; i++) {
                        left -= entryCount(records.get(i));
                    }
                    SegmentLog.Position upTo = to == records.size() ? d.end() : records.get(to - 1).end();
                    List<PendingRecord> chunk = records.subList(from, to);
                    commit(chunk, upTo);
                    commits.incrementAndGet();
                    generation++;
                    for (PendingRecord r : chunk) {
                        for (int i = 0; i < r.blockCount() && (r.type() == RecordFormat.DATA || r.blockCount() <= BlockEngine.SMALL_TRIM_BLOCKS); i++) {
                            memtable.removeIfSame(r.lineage(), r.firstBlock() + i,
                                    r.type() == RecordFormat.DATA ? r.loc(i) : Loc.tombstone(r.seq()));
                        }
                    }
                    from = to;
                } while (from < records.size());
            } catch (RuntimeException e) {
                // The drained records are no longer pending: whatever went wrong (a failed
                // sync, a closed log, a failed commit), no later checkpoint may move the replay
                // point past them. The next start replays them.
                if (failure == null) {
                    failure = new EngineException(EngineException.Kind.IO_ERROR, "checkpoint failed: " + e.getMessage(), e);
                }
                throw failure;
            }
            byTrigger[trigger.ordinal()].incrementAndGet();
        }
    }

    /**
     * The index just past the chunk that starts at {@code from} ({@code left} entries from
     * there to the end): records until {@code entries} are reached (a DATA record counts its
     * blocks, a TRIM record one), then on to the next DATA record, whose end is a record
     * boundary in the log (a TRIM record does not say where it lies). A rest of up to a
     * quarter of {@code entries} more joins the chunk, so that a checkpoint triggered at
     * {@code entries} (a few more arrive before it drains) stays one commit.
     */
    static int chunkEnd(List<PendingRecord> records, int from, long left, int entries) {
        if (left <= entries + entries / 4) {
            return records.size();
        }
        long taken = 0;
        int i = from;
        while (i < records.size()) {
            PendingRecord r = records.get(i++);
            taken += entryCount(r);
            if (taken >= entries && r.type() == RecordFormat.DATA) {
                break;
            }
        }
        return i;
    }

    /** Index entries a record stands for, as the log counts them ({@link SegmentLog.Drained#entries}). */
    private static int entryCount(PendingRecord r) {
        return r.type() == RecordFormat.DATA ? r.blockCount() : 1;
    }

    /** Applies one chunk and moves the replay point to {@code upTo}, in one index transaction. */
    private void commit(List<PendingRecord> chunk, SegmentLog.Position upTo) {
        writerLock.lock();
        SegmentLog.Position replayedFrom = catalog.replayFrom;
        try (Txn<ByteBuffer> txn = index.writeTxn()) {
            applier.applyAll(txn, chunk);
            catalog.replayFrom = upTo;
            catalog.nextSeq = nextSeq.getAsLong();
            catalog.saveDirty(index, txn);
            catalog.saveState(index, txn);
            index.commit(txn);
        } catch (RuntimeException e) {
            // The index and the in-memory counters may now disagree: stop accepting writes.
            // Nothing is lost: the records stay in the log and in the memtable (earlier chunks'
            // are in the index), and the next start replays them. The replay point stays where
            // the index is, in case anything still saves the catalog's state.
            catalog.replayFrom = replayedFrom;
            failure = new EngineException(EngineException.Kind.IO_ERROR, "index checkpoint failed: " + e.getMessage(), e);
            throw failure;
        } finally {
            writerLock.unlock();
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
