package io.basalt.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongPredicate;
import java.util.logging.Logger;
import org.lmdbjava.Cursor;
import org.lmdbjava.Txn;

/**
 * The cleaning mechanism: copy the live blocks of a segment to the log head, then point the
 * index at the copies and retire the segment, in named phases whose progress is on disk:
 * <ol>
 *   <li>MARK: the catalog records "cleaning segment N";</li>
 *   <li>COPY: every block the index still points at in N is appended as a RELOC record
 *       (replay ignores RELOC: until phase 3 commits the copies are dead space);</li>
 *   <li>SYNC: the copies, if any, are made durable (data before index, as always);</li>
 *   <li>COMMIT: one index transaction re-points each block that still points into N (a block
 *       overwritten meanwhile keeps its newer version), moves N to the graveyard and clears
 *       the mark;</li>
 *   <li>DELETE: the file goes, then its graveyard entry. Recovery redoes this step.</li>
 * </ol>
 * Which segments to clean, and how fast, is {@link CleanerPolicy}'s business.
 */
class SegmentCleaner {
    private static final Logger LOG = Logger.getLogger(SegmentCleaner.class.getName());
    private final Index index;
    private final Catalog catalog;
    private final SegmentLog log;
    private final ReentrantLock writerLock;
    private final EngineConfig cfg;
    private volatile boolean stopping;
    long segmentsCleaned;
    long bytesCopied;

    record Move(long lineage, long block, long seq, long oldSegment, long oldOffset, Loc newLoc) {
    }

    SegmentCleaner(Index index, Catalog catalog, SegmentLog log, ReentrantLock writerLock, EngineConfig cfg) {
        this.index = index;
        this.catalog = catalog;
        this.log = log;
        this.writerLock = writerLock;
        this.cfg = cfg;
    }

    /** Segments worth cleaning, emptiest first (policy). Only sealed, fully checkpointed ones. */
    List<Long> candidates(CleanerPolicy policy) {
        return sealedWhere(live -> policy.qualifies(live, cfg.segmentBytes), policy.maxSegmentsPerPass());
    }

    /**
     * Sealed, fully checkpointed segments in which no block is live by the space accounting, at
     * most {@code max}: retiring them copies nothing (cleaning still checks every block against
     * the index), so it is cheap enough to do under load, and their files, pages still in the
     * page cache, are reused for the next segments.
     */
    List<Long> dead(int max) {
        return sealedWhere(live -> live <= 0, max);
    }

    private List<Long> sealedWhere(LongPredicate liveBytesQualify, int max) {
        if (stopping) {
            return List.of();
        }
        List<long[]> c = new ArrayList<>();
        writerLock.lock();
        try {
            // Under the lock: a checkpoint moves the replay point before its commit and puts it
            // back if the commit fails, both while holding the lock.
            long limit = Math.min(log.currentSegmentId(), catalog.replayFrom.segment());
            for (long id : log.segments.keySet()) {
                long live = catalog.segmentLive.getOrDefault(id, 0L);
                if (id < limit && liveBytesQualify.test(live)) {
                    c.add(new long[] {id, live});
                }
            }
        } finally {
            writerLock.unlock();
        }
        c.sort(Comparator.comparingLong(a -> a[1]));
        return c.stream().limit(max).map(a -> a[0]).toList();
    }

    /** Makes a running pass end early; an unfinished segment is cleaned again later. */
    void stop() {
        stopping = true;
    }

    /** Cleans one segment through all phases. */
    void clean(long segmentId) throws IOException {
        Segment seg = log.segments.get(segmentId);
        if (seg == null) {
            return;
        }
        commitMark(segmentId);
        List<Move> moves = copyLive(seg);
        if (!moves.isEmpty()) {
            log.sync().join();
        }
        beforeCommit(segmentId);
        commitMoves(segmentId, moves);
        afterCommit(segmentId);
        log.segments.remove(segmentId);
        log.recycle(seg);
        writerLock.lock();
        try (Txn<ByteBuffer> txn = index.writeTxn()) {
            index.deleteCatalog(txn, "g/" + segmentId);
            catalog.graveyard.remove(segmentId);
            index.commit(txn);
        } finally {
            writerLock.unlock();
        }
        segmentsCleaned++;
    }

    /** Fault-injection points for crash tests; no-ops here. */
    void beforeCommit(long segmentId) {
    }

    void afterCommit(long segmentId) {
    }

    private void commitMark(long segmentId) {
        writerLock.lock();
        try (Txn<ByteBuffer> txn = index.writeTxn()) {
            catalog.cleaning = segmentId;
            catalog.saveState(index, txn);
            index.commit(txn);
        } finally {
            writerLock.unlock();
        }
    }

    private List<Move> copyLive(Segment seg) throws IOException {
        List<Move> moves = new ArrayList<>();
        RecordScanner scanner = new RecordScanner(seg.channel, seg.id, 0, seg.channel.size(), false);
        long started = System.nanoTime();
        long copiedBefore = bytesCopied;
        LogRecord r;
        while ((r = scanner.next()) != null) {
            if (stopping) {
                throw new IOException("engine closing; segment " + seg.id + " stays for a later pass");
            }
            if (!RecordFormat.hasTable(r.type())) {
                continue;
            }
            boolean[] live = liveBlocks(r, seg.id);
            for (int i = 0; i < r.blockCount(); ) {
                if (!live[i]) {
                    i++;
                    continue;
                }
                int j = i;
                while (j < r.blockCount() && live[j]) {
                    j++;
                }
                copyRun(seg, r, i, j, moves);
                i = j;
            }
            throttle(started, bytesCopied - copiedBefore);
        }
        return moves;
    }

    /**
     * Which of the record's blocks the index still points at here: one walk over the record's
     * range, not a lookup per block (a lookup each was 6% of all CPU under 128 KiB sequential
     * writes, which retire a dead segment every 0.15 s).
     */
    private boolean[] liveBlocks(LogRecord r, long segId) {
        boolean[] live = new boolean[r.blockCount()];
        long first = r.firstBlock();
        try (Txn<ByteBuffer> txn = index.readTxn(); Cursor<ByteBuffer> c = index.blockCursor(txn)) {
            index.scan(c, r.lineage(), first, first + r.blockCount(), (block, e) -> {
                int i = (int) (block - first);
                if (e.seq() == r.seq() && !e.zero() && e.segment() == segId && e.offset() == r.blockOffset(i)) {
                    live[i] = true;
                }
                return true;
            });
        }
        return live;
    }

    private void copyRun(Segment seg, LogRecord r, int from, int to, List<Move> moves) throws IOException {
        int n = to - from;
        int[] lens = new int[n];
        int[] crcs = new int[n];
        ByteBuffer[] payload = new ByteBuffer[n];
        for (int k = 0; k < n; k++) {
            lens[k] = r.lens()[from + k];
            crcs[k] = r.crcs()[from + k];
            ByteBuffer b = ByteBuffer.allocate(lens[k]);
            if (!seg.read(b, r.blockOffset(from + k))) {
                throw new IOException("segment " + seg.id + " vanished while cleaning it");
            }
            payload[k] = b.flip();
            bytesCopied += lens[k];
        }
        PendingRecord copy = log.append(RecordFormat.RELOC, r.lineage(), r.firstBlock() + from, n, r.seq(),
                lens, crcs, payload, false, true);
        for (int k = 0; k < n; k++) {
            moves.add(new Move(r.lineage(), r.firstBlock() + from + k, r.seq(), seg.id, r.blockOffset(from + k), copy.loc(k)));
        }
    }

    private void commitMoves(long segmentId, List<Move> moves) {
        int stillLive = 0;
        long accounted;
        writerLock.lock();
        try (Txn<ByteBuffer> txn = index.writeTxn()) {
            accounted = catalog.segmentLive.getOrDefault(segmentId, 0L);
            for (Move m : moves) {
                Loc cur = index.get(txn, m.lineage, m.block, m.seq);
                if (cur != null && cur.segment() == m.oldSegment && cur.offset() == m.oldOffset) {
                    index.put(txn, m.lineage, m.block, m.newLoc);
                    catalog.free(m.lineage, cur);
                    catalog.use(m.lineage, m.newLoc);
                    stillLive++;
                }
            }
            catalog.segmentLive.remove(segmentId);
            catalog.dirtySegments.add(segmentId);
            catalog.graveyard.add(segmentId);
            index.putCatalog(txn, "g/" + segmentId, new byte[] {1});
            catalog.cleaning = 0;
            catalog.saveDirty(index, txn);
            catalog.saveState(index, txn);
            index.commit(txn);
        } finally {
            writerLock.unlock();
        }
        if (stillLive > 0 && accounted <= 0) {
            LOG.warning("segment " + segmentId + " was accounted empty but held " + stillLive
                    + " live blocks; they were copied (space accounting is off)");
        }
    }

    private void throttle(long startedNanos, long copied) {
        long rate = cfg.cleanerPolicy.bytesPerSecond();
        if (rate <= 0) {
            return;
        }
        long dueNanos = copied * 1_000_000_000L / rate;
        long ahead = dueNanos - (System.nanoTime() - startedNanos);
        if (ahead > 1_000_000) {
            try {
                Thread.sleep(ahead / 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
