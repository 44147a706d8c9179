package io.basalt.engine;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The append-only log of segments, with group commit.
 *
 * <p>Appends are serialised by one lock and written with a gathering write at the current
 * segment's position (payload buffers are written as given, not copied). Durability is asked
 * for with {@link #sync()}: one thread at a time forces every segment written since the
 * last force and completes all waiters whose data that covered, so concurrent writers share
 * one fdatasync (BookKeeper's journal does the same). That thread is the syncer, or a writer
 * that appended a batch of writes and syncs them itself when no sync is running
 * ({@link WriteBatch}): one thread hand-off fewer per durable write. Syncs are counted.
 *
 * <p>Segments are created ahead of use by a background allocator. A new segment takes a free
 * file when one waits (recycled by the cleaner or zero-filled while the log was idle), so
 * appends overwrite allocated space; otherwise it is a new sparse file of full length.
 */
final class SegmentLog implements Closeable {
    private static final Logger LOG = Logger.getLogger(SegmentLog.class.getName());

    /** Where the next record goes. */
    record Position(long segment, long offset) {
    }

    /** A batch of pending records and the log position just past the last one. */
    record Drained(List<PendingRecord> records, Position end, int entries) {
    }

    private final Path dir;
    private final EngineConfig cfg;
    private final Memtable memtable;
    final ConcurrentHashMap<Long, Segment> segments = new ConcurrentHashMap<>();

    private final ReentrantLock lock = new ReentrantLock();
    private Segment current;
    private long writePos;
    private long appended;
    private long nextSegmentId;
    private final List<Segment> unsynced = new ArrayList<>();
    private List<PendingRecord> pending = new ArrayList<>();
    /** Written under {@link #lock}; read without it by writers deciding whether to wait. */
    private volatile int pendingEntries;
    private CompletableFuture<Segment> spare;
    /**
     * Set while a roll waits for the spare, and at close: a zero-fill of it stops at its next
     * piece. Written under {@link #lock} (rolls) or by close, read by the allocator's threads.
     */
    volatile boolean rollWaiting;
    private IOException failure;

    private final Object syncLock = new Object();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private volatile long synced;
    private volatile Position syncedPosition;
    private volatile boolean closing;
    private final Thread syncer;

    final AtomicLong syncCount = new AtomicLong();
    final AtomicLong syncedWaiters = new AtomicLong();
    final AtomicLong appendedBytes = new AtomicLong();
    final AtomicLong sparesFilled = new AtomicLong();
    /** Free files (retired segments) taken as new segments. */
    final AtomicLong reusedFiles = new AtomicLong();

    private record Waiter(long target, CompletableFuture<Void> done) {
    }

    /**
     * Creates and zero-fills spare segments, one at a time. A thread of its own: without an
     * executor, CompletableFuture's async methods start a new, unnamed thread per task on a
     * machine with fewer than three cores (its common pool has parallelism 1 there).
     */
    private final java.util.concurrent.ExecutorService allocator = backgroundThread("basalt-segment-allocator");

    /** Reads reused free files into the page cache ({@link Segment#warm}), off the allocator's thread. */
    private final java.util.concurrent.ExecutorService warmer = backgroundThread("basalt-segment-warmer");

    /**
     * Writes sealed segments, and the current one behind its write position, out to the disk
     * in the background, one range at a time. Without it, the first sync after a burst of
     * writes without syncs writes out everything since the last sync at once (all of it must
     * be on disk before a durable write is), and that durable write waits for all of it:
     * 0.44 s measured for three sealed 64 MiB segments left by a 1 GiB fill; the current
     * segment alone can hold 64 MiB. RocksDB's {@code bytes_per_sync} does the same for its
     * files.
     */
    private final java.util.concurrent.ExecutorService writeOut = backgroundThread("basalt-segment-writeout");
    /** Bytes of segments written out in the background (sealed ones, and the current one behind its write position). */
    final AtomicLong writtenOut = new AtomicLong();

    /** Pieces of the background write-out (each waited for before the next, as zero-fills are). */
    private static final int WRITE_OUT_PIECE = Segment.ZERO_PIECE;
    /**
     * The current segment is written out behind the write position once this much (8 MiB, an
     * eighth of a smaller segment) has gathered since its last write-out: the first sync after
     * a burst of writes without syncs then has at most about this much of the current segment
     * left to write (RocksDB's {@code bytes_per_sync} again).
     */
    private final long writeBehindBytes;
    /** Where the current segment's write-out queued so far ends; under {@link #lock}. */
    private long writeBehindQueued;
    /** {@link #syncCount} at the last write-behind; under {@link #lock}. */
    private long syncsAtWriteBehind;

    SegmentLog(Path dir, EngineConfig cfg, Memtable memtable, Position resume, long nextSegmentId) throws IOException {
        this.dir = dir;
        this.cfg = cfg;
        this.writeBehindBytes = Math.max(WRITE_OUT_PIECE, Math.min(8 << 20, cfg.segmentBytes / 8));
        this.memtable = memtable;
        this.nextSegmentId = Math.max(nextSegmentId, resume.segment() + 1);
        this.current = Files.exists(Segment.pathOf(dir, resume.segment()))
                ? Segment.open(dir, resume.segment(), cfg.preallocateSegments ? cfg.segmentBytes : 0, true)
                : newSegment(resume.segment());
        this.writePos = resume.offset();
        this.writeBehindQueued = pieceFloor(resume.offset()); // the previous run's part is its own
        this.syncedPosition = resume;
        current.channel.position(writePos);
        currentSparse = !current.allocated;
        segments.put(current.id, current);
        if (!current.cached) {
            warmer.execute(current::warm); // the previous run's segment: appends that must not wait wait for this
        }
        this.spare = allocateAsync();
        this.syncer = new Thread(this::syncLoop, "basalt-log-syncer");
        syncer.setDaemon(true);
        syncer.start();
    }

    /** A single daemon thread of the log's, named for thread dumps and profiles. */
    private static java.util.concurrent.ExecutorService backgroundThread(String name) {
        return java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    void register(Segment s) {
        segments.put(s.id, s);
    }

    private CompletableFuture<Segment> allocateAsync() {
        long id = nextSegmentId++;
        try {
            return CompletableFuture.supplyAsync(() -> allocate(id), allocator);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            return CompletableFuture.failedFuture(new EngineException(EngineException.Kind.CLOSED, "log closed"));
        }
    }

    private Segment allocate(long id) {
        try {
            return newSegment(id);
        } catch (IOException | RuntimeException e) {
            // No file may stay behind under this id: recovery would take an empty (or
            // stale) segment followed by real ones for the end of the log.
            try {
                Files.deleteIfExists(Segment.pathOf(dir, id));
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e instanceof EngineException ee ? ee
                    : new EngineException(EngineException.Kind.NO_SPACE, "cannot create segment " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * A free file renamed to segment {@code id} (zero-filled ahead or recycled by the cleaner),
     * else a new file of full length when preallocating. The new file is zero-filled only when
     * the segment before it saw durable writes ({@link #DURABLE_SYNCS} syncs or more): their
     * fdatasync then flushes data without a journal commit, worth writing the segment twice.
     * Under a load without syncs it stays sparse, since zero-filling would double the bytes
     * written while the disk is busiest; {@link #fillSpareIfIdle} zero-fills when it is quiet.
     */
    private Segment newSegment(long id) throws IOException {
        long syncs = syncCount.get();
        boolean durableLoad = syncs - syncsAtLastNewSegment.getAndSet(syncs) >= DURABLE_SYNCS;
        Segment reused = cfg.preallocateSegments ? reuse(id) : null;
        if (reused != null) {
            return reused;
        }
        return Segment.create(dir, id, cfg.segmentBytes, cfg.preallocateSegments, durableLoad && cfg.zeroFills(), () -> rollWaiting);
    }

    /** Syncs during one segment's life above which the next new segment is zero-filled. */
    private static final long DURABLE_SYNCS = 16;
    private final AtomicLong syncsAtLastNewSegment = new AtomicLong();

    private final AtomicLong spareNames = new AtomicLong(System.currentTimeMillis());

    /**
     * Zero-fills one free file if the engine was idle since the last call ({@code idle}: reads,
     * and bytes appended to the log) and fewer than {@link #MAX_FREE_FILES} wait. Appends to a
     * zero-filled file overwrite allocated blocks, so their fdatasync flushes data without a
     * journal commit. Called periodically by the engine's maintenance thread; returns whether
     * it filled one.
     */
    synchronized boolean fillSpareIfIdle(IdleMeter idle) {
        try {
            return fillSpareIfIdleOnce(idle);
        } catch (RuntimeException e) {
            // An unchecked failure would cancel the periodic task for good.
            LOG.log(Level.WARNING, "spare segment filling failed", e);
            return false;
        }
    }

    private boolean fillSpareIfIdleOnce(IdleMeter idleMeter) {
        boolean idle = idleMeter.idleSinceLastLook();
        if (!idle || closing || !cfg.zeroFills()) {
            return false;
        }
        try {
            if (freeFiles() >= MAX_FREE_FILES || !roomToZeroFill()) {
                return false;
            }
            Path tmp = dir.resolve("spare-" + spareNames.incrementAndGet() + ".tmp");
            Segment.zeroFill(tmp, cfg.segmentBytes);
            try {
                Files.move(tmp, dir.resolve(tmp.getFileName().toString().replace(".tmp", ".free")));
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            idleMeter.rebase();
            sparesFilled.incrementAndGet();
            return true;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot zero-fill a spare segment file", e);
            return false;
        }
    }

    Position position() {
        lock.lock();
        try {
            return new Position(current.id, writePos);
        } finally {
            lock.unlock();
        }
    }

    /** The log position up to which everything is known to be on stable storage. */
    Position syncedPosition() {
        return syncedPosition;
    }

    long currentSegmentId() {
        lock.lock();
        try {
            return current.id;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends one record. For DATA records the payload buffers (one per block, positioned at
     * the stored bytes) are written as they are; the caller keeps them unchanged until this
     * returns. With {@code track}, the record joins the pending list for the checkpointer and
     * its blocks enter the memtable, atomically with respect to {@link #drain()}.
     *
     * @param forCleaner the cleaner may use the space reserve that ordinary writes may not
     * @return the pending record (also for untracked appends, to learn the locations)
     */
    PendingRecord append(byte type, long lineage, long firstBlock, long count, long seq, int[] lens, int[] crcs,
                         ByteBuffer[] payload, boolean track, boolean forCleaner) {
        return append(type, lineage, firstBlock, count, seq, lens, crcs, payload, track, forCleaner, true);
    }

    /**
     * As {@link #append}, for a thread that must not wait (an event loop): returns null, having
     * appended nothing, when another thread holds the log's lock (an append, which may be
     * rolling and waiting for the spare; a drain; the start of a sync), the current segment's
     * pages are not known to be in memory ({@link Segment#cached}), or the record does not fit
     * in the current segment (its roll could wait for the spare). The append itself is a copy
     * into the page cache (which dirty-page throttling could still slow).
     */
    PendingRecord appendWithoutRoll(byte type, long lineage, long firstBlock, long count, long seq, int[] lens,
                                    int[] crcs, ByteBuffer[] payload) {
        return append(type, lineage, firstBlock, count, seq, lens, crcs, payload, true, false, false);
    }

    private PendingRecord append(byte type, long lineage, long firstBlock, long count, long seq, int[] lens, int[] crcs,
                                 ByteBuffer[] payload, boolean track, boolean forCleaner, boolean mayRoll) {
        int head = RecordFormat.headerAndTableBytes(type, (int) Math.min(count, Integer.MAX_VALUE));
        long size = head;
        if (type != RecordFormat.TRIM) {
            for (int l : lens) {
                size += l;
            }
        }
        if (mayRoll) {
            lock.lock();
        } else if (!lock.tryLock()) {
            return null; // held by another append (perhaps one rolling, waiting for the spare), a drain or a sync's start
        }
        try {
            if (failure != null) {
                throw failedEarlier(failure);
            }
            if (!mayRoll && !current.cached) {
                return null; // the append could read a page from disk first
            }
            if (writePos + size + RecordFormat.SEAL_BYTES > cfg.segmentBytes) {
                if (!mayRoll) {
                    return null;
                }
                roll(forCleaner);
            }
            ByteBuffer h = ByteBuffer.allocate(head);
            RecordFormat.encodeHeader(h, type, lineage, firstBlock, (int) count, seq, lens, crcs, current.id);
            h.flip();
            ByteBuffer[] parts = new ByteBuffer[1 + (payload == null ? 0 : payload.length)];
            parts[0] = h;
            if (payload != null) {
                for (int i = 0; i < payload.length; i++) {
                    parts[i + 1] = payload[i].duplicate();
                }
            }
            long at = writePos;
            try {
                long left = size;
                while (left > 0) {
                    left -= current.channel.write(parts);
                }
            } catch (IOException e) {
                resetAfterFailedWrite(at, e);
            }
            writePos += size;
            appended += size;
            appendedBytes.addAndGet(size);
            if (writePos - writeBehindQueued >= writeBehindBytes + WRITE_OUT_PIECE) {
                writeBehind();
            }
            PendingRecord rec = type == RecordFormat.TRIM
                    ? PendingRecord.trim(lineage, firstBlock, count, seq)
                    : PendingRecord.data(lineage, firstBlock, (int) count, seq, current.id, at + head, lens, crcs);
            if (track) {
                if (type == RecordFormat.DATA) {
                    for (int i = 0; i < count; i++) {
                        memtable.put(lineage, firstBlock + i, rec.loc(i));
                    }
                } else if (count <= BlockEngine.SMALL_TRIM_BLOCKS) {
                    for (int i = 0; i < count; i++) {
                        memtable.put(lineage, firstBlock + i, Loc.tombstone(seq));
                    }
                }
                pending.add(rec);
                pendingEntries += type == RecordFormat.TRIM ? 1 : (int) count;
            }
            return rec;
        } finally {
            lock.unlock();
        }
    }

    private void resetAfterFailedWrite(long at, IOException e) {
        try {
            current.channel.position(at);
        } catch (IOException again) {
            failure = again;
        }
        boolean full = dir.toFile().getUsableSpace() < cfg.segmentBytes;
        throw new EngineException(full ? EngineException.Kind.NO_SPACE : EngineException.Kind.IO_ERROR,
                "append failed in segment " + current.id + " at " + at + ": " + e.getMessage(), e);
    }

    private void roll(boolean forCleaner) {
        roll(forCleaner, false);
    }

    /** Seals the current segment and continues in the spare; {@code early} when it is not full. */
    private void roll(boolean forCleaner, boolean early) {
        if (!forCleaner && dir.toFile().getUsableSpace() < cfg.reserveBytes) {
            throw new EngineException(EngineException.Kind.NO_SPACE,
                    "free space below the reserve of " + cfg.reserveBytes + " bytes in " + dir);
        }
        Segment next;
        try {
            // A zero-fill still writing the spare stops at its next piece: appends wait for
            // one piece, not for the rest of a 0.2-0.45 s fill, and go to a sparse segment.
            rollWaiting = !spare.isDone();
            next = spare.join();
        } catch (RuntimeException e) {
            rollWaiting = false;
            spare = allocateAsync();
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw c instanceof EngineException ee ? ee
                    : new EngineException(EngineException.Kind.NO_SPACE, "cannot create a segment: " + c.getMessage(), c);
        }
        rollWaiting = false;
        if (!early) {
            current.allocated = true; // written through to its end
        }
        seal();
        queueWriteOut(current, writeBehindQueued, writePos);
        unsynced.add(current);
        segments.put(next.id, next);
        current = next;
        currentSparse = !next.allocated;
        writePos = 0;
        writeBehindQueued = 0;
        syncsOnCurrent = 0;
        spare = allocateAsync();
    }

    /**
     * Queues the write-out of the current segment up to a piece behind the write position
     * (the page being appended to is left alone), unless the log was synced since the last
     * write-behind: under durable load the syncer writes it out anyway, and what it has not
     * reached yet is less than {@link #writeBehindBytes} old. Caller holds {@link #lock}.
     */
    private void writeBehind() {
        long syncs = syncCount.get();
        if (syncs != syncsAtWriteBehind) {
            syncsAtWriteBehind = syncs;
            Position done = syncedPosition;
            if (done.segment() == current.id) {
                writeBehindQueued = Math.max(writeBehindQueued, pieceFloor(done.offset()));
            }
            return;
        }
        long end = pieceFloor(writePos) - WRITE_OUT_PIECE;
        queueWriteOut(current, writeBehindQueued, end);
        writeBehindQueued = Math.max(writeBehindQueued, end);
    }

    private void queueWriteOut(Segment s, long from, long end) {
        if (from >= end) {
            return;
        }
        try {
            writeOut.execute(() -> writeOut(s, from, end));
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // the log is closing: nothing more is written out in the background
        }
    }

    /**
     * Durable writes to a sparse segment pay a journal commit on every fdatasync (the blocks
     * are allocated as they are written). Once the current segment has seen
     * {@link #DURABLE_SYNCS} syncs, this zero-fills the waiting spare if it is sparse too and
     * then moves appends to it, leaving the sparse segment's unwritten tail as a hole. Called
     * by the syncer after each sync.
     */
    private void leaveSparseSegmentUnderDurableLoad() {
        if (!currentSparse || !cfg.zeroFills()) {
            return; // the usual case, decided without the append lock
        }
        lock.lock();
        try {
            if (current.allocated || ++syncsOnCurrent < DURABLE_SYNCS || failure != null || !spare.isDone()) {
                return;
            }
            Segment next;
            try {
                next = spare.join();
            } catch (RuntimeException e) {
                return; // roll() reports the failure when it needs a segment
            }
            if (!next.allocated) {
                if (!next.zeroFillTried) {
                    next.zeroFillTried = true;
                    spare = spare.thenApplyAsync(this::zeroFillOrKeepSparse, allocator); // roll() waits for it
                }
                return;
            }
            try {
                roll(false, true);
            } catch (EngineException e) {
                LOG.log(Level.FINE, "staying in sparse segment " + current.id, e);
            }
        } finally {
            lock.unlock();
        }
    }

    private int syncsOnCurrent;
    /** Whether the current segment is sparse; written under {@link #lock}, read by the syncer without it. */
    private volatile boolean currentSparse;

    /**
     * Writes bytes [from, end) of a segment (sealed, or the current one behind its write
     * position) out in pieces, through a descriptor of its own: Linux (4.13 and later, errseq)
     * reports a write-back error once to every descriptor that was open when it happened, so
     * an error met here is still reported to the syncer's fdatasync, which decides what is
     * durable. Stops once the syncer has synced past the range, or when the file is gone. Does
     * nothing where {@link WriteOut} is unavailable.
     */
    private void writeOut(Segment s, long from, long end) {
        if (!WriteOut.available()) {
            return;
        }
        if (syncedPast(syncedPosition, s, end)) {
            return;
        }
        try (java.nio.channels.FileChannel own = java.nio.channels.FileChannel.open(s.path, java.nio.file.StandardOpenOption.WRITE)) {
            for (long pos = from; pos < end; ) {
                Position done = syncedPosition;
                if (syncedPast(done, s, end)) {
                    return;
                }
                if (done.segment() == s.id && done.offset() >= pos + WRITE_OUT_PIECE) {
                    pos = pieceFloor(done.offset()); // the syncer wrote that part out
                    continue;
                }
                long len = Math.min(WRITE_OUT_PIECE - pos % WRITE_OUT_PIECE, end - pos);
                if (!WriteOut.writeOut(own, pos, len)) {
                    return;
                }
                writtenOut.addAndGet(len);
                pos += len;
            }
        } catch (java.nio.file.NoSuchFileException | java.nio.channels.ClosedByInterruptException e) {
            LOG.log(Level.FINE, "background write-out of segment " + s.id + " stopped", e); // cleaned, or closing
        } catch (IOException e) { // the syncer's fdatasync reports it too, and fails the log
            LOG.log(Level.WARNING, "background write-out of segment " + s.id + " failed", e);
        }
    }

    /** Whether the log is closing or {@code done} (a synced position) covers segment {@code s} up to {@code end}. */
    private boolean syncedPast(Position done, Segment s, long end) {
        return closing || done.segment() > s.id || (done.segment() == s.id && done.offset() >= end);
    }

    /** {@code offset} rounded down to a whole write-out piece. */
    private static long pieceFloor(long offset) {
        return offset / WRITE_OUT_PIECE * WRITE_OUT_PIECE;
    }

    /** Zero-filling a segment file leaves the reserve and one more segment free. */
    private boolean roomToZeroFill() {
        return dir.toFile().getUsableSpace() >= cfg.reserveBytes + 2 * cfg.segmentBytes;
    }

    /**
     * Zero-fills a spare in place; when space is short or the writing fails, the spare stays a
     * usable sparse segment (zeros already written there read like its holes).
     */
    private Segment zeroFillOrKeepSparse(Segment s) {
        if (!roomToZeroFill()) {
            return s;
        }
        try {
            Segment filled = s.zeroFillInPlace(() -> rollWaiting);
            if (!filled.allocated) {
                LOG.fine(() -> "zero-fill of spare segment " + s.id + " cut short: the log rolled onto it");
            }
            return filled;
        } catch (EngineException e) {
            LOG.log(Level.WARNING, "cannot zero-fill spare segment " + s.id + "; it stays sparse", e);
            return s;
        }
    }

    /** Writes the SEAL record that closes the current segment. Caller holds the lock. */
    private void seal() {
        ByteBuffer h = ByteBuffer.allocate(RecordFormat.SEAL_BYTES);
        RecordFormat.encodeHeader(h, RecordFormat.SEAL, 0, 0, 1, 0, null, null, current.id);
        h.flip();
        try {
            while (h.hasRemaining()) {
                current.channel.write(h);
            }
        } catch (IOException e) {
            resetAfterFailedWrite(writePos, e);
        }
        writePos += RecordFormat.SEAL_BYTES;
        appended += RecordFormat.SEAL_BYTES;
    }

    /**
     * Takes a cleaned segment's file back for reuse: up to {@link #MAX_FREE_FILES} files wait
     * renamed as free files, and new segments take them instead of writing zeros. Their old
     * records cannot validate under a new segment id (the id is in every header CRC).
     */
    void recycle(Segment s) throws IOException {
        s.closeQuietly();
        if (cfg.preallocateSegments && s.allocated && freeFiles() < MAX_FREE_FILES && Files.size(s.path) == cfg.segmentBytes) {
            Files.move(s.path, dir.resolve(String.format("%016x.free", s.id)));
        } else {
            Files.deleteIfExists(s.path);
        }
    }

    static final int MAX_FREE_FILES = 8;

    private long freeFiles() throws IOException {
        try (var st = Files.list(dir)) {
            return st.filter(p -> p.getFileName().toString().endsWith(".free")).count();
        }
    }

    /** A free file renamed to segment {@code id}, or null. */
    private Segment reuse(long id) {
        try (var st = Files.list(dir)) {
            Path free = st.filter(p -> p.getFileName().toString().endsWith(".free")).findFirst().orElse(null);
            if (free == null) {
                return null;
            }
            Files.move(free, Segment.pathOf(dir, id));
            Segment s = Segment.open(dir, id, cfg.segmentBytes);
            reusedFiles.incrementAndGet();
            // In the background: the log does not wait for it, appends before it are only slower.
            try {
                warmer.execute(s::warm);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // the log is closing: nothing will append to it
            }
            return s;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot reuse a free segment file; writing a new one", e);
            return null;
        }
    }

    /** Takes everything pending for the checkpointer, with the log position just past it. */
    Drained drain() {
        lock.lock();
        try {
            Drained d = new Drained(pending, new Position(current.id, writePos), pendingEntries);
            pending = new ArrayList<>();
            pendingEntries = 0;
            return d;
        } finally {
            lock.unlock();
        }
    }

    int pendingEntries() {
        return pendingEntries;
    }

    /** Completes when everything appended before this call is on stable storage. */
    CompletableFuture<Void> sync() {
        return sync(false);
    }

    /**
     * {@link #sync()}, which with {@code deferrable} a thread in a {@link WriteBatch} runs
     * itself at the batch's end. Only for a wait nothing in the batch blocks on (a write's
     * durability future); a sync the caller joins must not be deferred, or it waits for itself.
     */
    CompletableFuture<Void> sync(boolean deferrable) {
        long target;
        lock.lock();
        try {
            if (failure != null) {
                // After a failed fsync the page cache may have dropped the dirty data: a later
                // fsync could succeed without it, so nothing appended is ever reported durable.
                return CompletableFuture.failedFuture(failedEarlier(failure));
            }
            target = appended;
        } finally {
            lock.unlock();
        }
        if (target <= synced && !closing) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (syncLock) {
            if (closing) {
                f.completeExceptionally(new EngineException(EngineException.Kind.CLOSED, "log closed"));
                return f;
            }
            waiters.add(new Waiter(target, f));
            // Whoever holds the slot serves this waiter in its next round. A thread in a write
            // batch runs the sync itself once its batch is appended (WriteBatch); otherwise the
            // syncer is woken.
            if (!syncing && !(deferrable && WriteBatch.defer(this))) {
                wokenAfterDeferral = false;
                syncLock.notifyAll();
            }
        }
        return f;
    }

    /**
     * Whether a thread holds the sync slot: the syncer, or a writer leading the sync of its own
     * batch ({@link #lead}). One holder at a time runs syncs, so syncs never overlap and
     * {@link #synced} only grows. Under {@link #syncLock}.
     */
    private boolean syncing;

    /** Whether a thread holds the sync slot now (for tests). */
    boolean syncSlotTaken() {
        synchronized (syncLock) {
            return syncing;
        }
    }

    /**
     * For tests: no one holds the sync slot and the syncer waits in {@code syncLock.wait()}, so
     * it runs again only when woken (a deferred waiter does not wake it).
     */
    boolean syncerParked() {
        synchronized (syncLock) {
            return !syncing && syncer.getState() == Thread.State.WAITING;
        }
    }

    /** Wakes the syncer for waiters a deferral left queued ({@link WriteBatch#wakeDeferred}), unless the slot is held. */
    void wakeSyncer() {
        synchronized (syncLock) {
            if (!syncing && !waiters.isEmpty()) {
                wokenAfterDeferral = true;
                syncLock.notifyAll();
            }
        }
    }

    /**
     * Whether the syncer's last wake-up came from {@link #wakeSyncer} (the end of a deferral:
     * its writes are all queued, so it does not linger) rather than from a waiter that woke it
     * at once. Written under syncLock.
     */
    private volatile boolean wokenAfterDeferral;

    /**
     * Called by a thread whose write batch deferred syncs here ({@link WriteBatch}): if no one
     * holds the sync slot, takes it and syncs on this thread until no waiter is left, saving
     * the wake-up of the syncer and its hand-back; otherwise the holder serves the waiters.
     */
    void lead() {
        synchronized (syncLock) {
            if (syncing || waiters.isEmpty()) {
                return;
            }
            syncing = true;
        }
        // Until no waiter is left, as the syncer does: under a steady durable load this thread
        // stays the log's syncer, lent by its pool. Handing the slot to the syncer after 2 ms
        // instead lost the gain (FUA writes at queue depth 32 over iSCSI: 20.4-21.5k against
        // 22.9-23.4k, alternating runs), since the syncer then keeps the slot under that load.
        syncRounds(false);
    }

    /**
     * Runs syncs while waiters remain, then releases the slot, which the caller holds. The
     * waiters that arrive during a sync are served by the next round, by the same thread.
     */
    private void syncRounds(boolean linger) {
        while (true) {
            synchronized (syncLock) {
                if (waiters.isEmpty()) {
                    releaseSlot();
                    return;
                }
            }
            try {
                syncOnce(linger && !wokenAfterDeferral);
            } catch (Throwable t) {
                // An unexpected error mid-sync: what was forced is unknown, so nothing more is
                // reported durable; and the slot must not stay taken, or no sync would run again.
                IOException failed;
                lock.lock();
                try {
                    if (failure == null) {
                        failure = new IOException("a sync stopped unexpectedly", t);
                    }
                    failed = failure;
                } finally {
                    lock.unlock();
                }
                releaseSlot();
                failAll(failedEarlier(failed));
                throw t;
            }
        }
    }

    private void releaseSlot() {
        synchronized (syncLock) {
            syncing = false;
            syncLock.notifyAll(); // the syncer may be waiting for the slot (to close, say)
        }
    }

    private void syncLoop() {
        ThreadLatency.shortSlice(); // it wakes once per sync to complete the writes waiting on it
        while (true) {
            synchronized (syncLock) {
                while (waiters.isEmpty() || syncing) {
                    if (closing && waiters.isEmpty() && !syncing) {
                        return; // close() waits for this: no sync is running, none will start
                    }
                    try {
                        syncLock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                syncing = true;
            }
            try {
                syncRounds(true);
            } catch (Throwable t) { // the log is failed (syncRounds saw to it); the syncer stays, to fail what comes
                LOG.log(Level.SEVERE, "a sync stopped unexpectedly; the log refuses further writes", t);
            }
        }
    }

    /**
     * Forces everything appended so far and completes the waiters it covers. The syncer
     * lingers for more waiters first ({@link #lingerForMoreWaiters}) unless its last wake-up
     * ended a deferral ({@link #wakeSyncer}); a leading writer does not: its batch, like an
     * event loop's pass, is its group. Lingering after an event loop's pass lost to starting
     * at once: FUA writes at queue depth 32 over iSCSI, 23.6k against 26.6k a second
     * (alternating runs, docs/benchmarks.md).
     */
    private void syncOnce(boolean linger) {
        if (linger) {
            lingerForMoreWaiters();
        }
        long target;
        Position targetPos;
        List<Segment> force;
        IOException failedEarlier;
        lock.lock();
        try {
            failedEarlier = failure;
            target = appended;
            targetPos = new Position(current.id, writePos);
            force = new ArrayList<>(unsynced);
            force.add(current);
            unsynced.clear();
        } finally {
            lock.unlock();
        }
        if (failedEarlier != null) {
            // A waiter that queued just as an fsync failed: a new fsync proves nothing.
            failAll(failedEarlier(failedEarlier));
            return;
        }
        IOException err = null;
        boolean skipped = false;
        for (Segment s : force) {
            try {
                if (s.channel.isOpen()) {
                    forcer.force(s);
                } else {
                    skipped = true;
                }
            } catch (IOException e) {
                err = e;
            } catch (RuntimeException | Error e) { // no fdatasync result: what reached the disk is unknown, as after a failure
                err = new IOException("fdatasync did not complete: " + e, e);
            }
        }
        syncCount.incrementAndGet();
        if (err != null) {
            // After a failed fsync the page cache state is unknown: refuse all further writes.
            LOG.log(Level.SEVERE, "fsync failed; the log refuses further writes", err);
            lock.lock();
            try {
                failure = err;
            } finally {
                lock.unlock();
            }
            failAll(new EngineException(EngineException.Kind.IO_ERROR, "fsync failed: " + err.getMessage(), err));
            return;
        }
        if (skipped && closing) {
            // close() closed a segment under this sync (it waited for the syncer in vain):
            // what it held was not forced, so nothing is reported durable.
            failAll(new EngineException(EngineException.Kind.CLOSED, "log closed during a sync"));
            return;
        }
        synced = target;
        syncedPosition = targetPos;
        completeUpTo(target);
        leaveSparseSegmentUnderDurableLoad();
    }

    /** The error for anything asked of the log after it broke (a failed append or fsync). */
    private static EngineException failedEarlier(IOException failure) {
        return new EngineException(EngineException.Kind.IO_ERROR, "log failed earlier: " + failure.getMessage(), failure);
    }

    /** How the syncer makes a segment durable; a seam for tests that make fdatasync fail. */
    interface Forcer {
        void force(Segment s) throws IOException;
    }

    volatile Forcer forcer = s -> s.channel.force(false);

    /** Waiters the previous sync served; written by the slot's holder, read by the syncer. */
    private volatile int lastBatch;
    /** A sync that served at least this many waiters marks a concurrent durable load. */
    private static final int LINGER_BATCH = 8;
    /** Longest wait for more waiters before a sync. */
    private static final long LINGER_NANOS = 150_000;

    /**
     * Under a concurrent durable load (the previous sync served several waiters) waits while
     * more waiters keep arriving, at most {@link #LINGER_NANOS}, so that one fdatasync serves
     * more writes (BookKeeper's journal has a group wait too). A lone writer never waits here.
     */
    private void lingerForMoreWaiters() {
        if (lastBatch < LINGER_BATCH) {
            return;
        }
        long deadline = System.nanoTime() + LINGER_NANOS;
        int seen = waiterCount();
        while (System.nanoTime() < deadline && !closing) {
            LockSupport.parkNanos(20_000);
            int now = waiterCount();
            if (now == seen) {
                return; // the stream paused: sync what there is
            }
            seen = now;
        }
    }

    private int waiterCount() {
        synchronized (syncLock) {
            return waiters.size();
        }
    }

    private void completeUpTo(long target) {
        List<Waiter> done = new ArrayList<>();
        synchronized (syncLock) {
            // Targets are taken outside syncLock, so the queue is only nearly ordered: look at all.
            waiters.removeIf(w -> w.target <= target && done.add(w));
        }
        syncedWaiters.addAndGet(done.size());
        lastBatch = done.size();
        for (Waiter w : done) {
            w.done.complete(null);
        }
    }

    private void failAll(EngineException e) {
        List<Waiter> all;
        synchronized (syncLock) {
            all = new ArrayList<>(waiters);
            waiters.clear();
        }
        all.forEach(w -> w.done.completeExceptionally(e));
    }

    /** Stops the syncer after serving current waiters; does not sync by itself. */
    @Override
    public void close() {
        synchronized (syncLock) {
            closing = true;
            syncLock.notifyAll();
        }
        try {
            syncer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAll(new EngineException(EngineException.Kind.CLOSED, "log closed"));
        warmer.shutdownNow();
        writeOut.shutdownNow();
        rollWaiting = true; // a zero-fill of the spare stops at its next piece
        try {
            Segment s = spare.join();
            s.closeQuietly();
        } catch (RuntimeException ignored) {
            // a failed pre-allocation leaves nothing to close
        }
        allocator.shutdown(); // after the spare: a zero-fill queued behind its creation runs first
        for (Segment s : segments.values()) {
            s.closeQuietly();
        }
    }
}
