package io.basalt.engine;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.lmdbjava.Txn;

/**
 * A node's block store: many volumes in one log of segments with one LMDB index.
 *
 * <p>Layout under the data directory: {@code segments/} (the log) and {@code index/} (LMDB).
 * See docs/architecture.md for the on-disk format and the durability order.
 *
 * <p>Locks, in the order they are taken: a volume's lock (serialises its writers and its
 * metadata changes), the metadata lock (catalog changes), the index writer lock (every LMDB
 * write transaction). Reads take none of them.
 */
public final class BlockEngine implements Closeable {
    private static final Logger LOG = Logger.getLogger(BlockEngine.class.getName());
    /** Unmaps up to this many blocks are answered from the memtable; larger ones checkpoint. */
    static final int SMALL_TRIM_BLOCKS = 1024;
    private static final long MAX_TRIM_RECORD_BLOCKS = 1L << 30;
    private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();
    /** Compress a block only if that saves at least this much. */
    private static final int MIN_COMPRESSED_SAVING = 512;

    private final Path dir;
    private final EngineConfig cfg;
    private final Index index;
    private final Catalog catalog = new Catalog();
    private final Memtable memtable = new Memtable();
    private final IndexApplier applier;
    private final SegmentLog log;
    private final Checkpointer checkpointer;
    private final BlockReader reader;
    final SegmentCleaner cleaner;
    /** Writes served and their bytes, so that background work can tell an idle engine. */
    private final LongAdder writes = new LongAdder();
    private final LongAdder writtenBytes = new LongAdder();
    /** Reads and writes of volumes (not the cleaner's own copying): the cleaner's idle test. */
    private final IdleMeter foreground;
    private final ReentrantLock metaLock = new ReentrantLock();
    private final ReentrantLock writerLock = new ReentrantLock();
    private final AtomicLong seq = new AtomicLong();
    private final ScheduledExecutorService maintenance;
    private final Object cleanMutex = new Object();
    private volatile boolean closed;
    private volatile boolean closing;
    private final long replayedRecordsAtOpen;

    private BlockEngine(Path dir, EngineConfig cfg, SegmentCleanerFactory cleanerFactory) throws IOException {
        this.dir = dir;
        this.cfg = cfg;
        Path segDir = dir.resolve("segments");
        Path idxDir = dir.resolve("index");
        Files.createDirectories(segDir);
        Files.createDirectories(idxDir);
        this.index = new Index(idxDir, cfg.lmdbMapBytes, cfg.locationCacheEntries);
        try (Txn<ByteBuffer> txn = index.readTxn()) {
            catalog.load(index, txn);
        }
        seq.set(catalog.nextSeq - 1);
        this.applier = new IndexApplier(index, catalog);
        Recovery recovery = new Recovery(segDir, index, catalog, applier, writerLock, seq);
        SegmentLog.Position resume = recovery.run();
        this.replayedRecordsAtOpen = recovery.replayedRecords;
        List<Long> ids = Recovery.segmentIds(segDir);
        long nextSegment = ids.isEmpty() ? resume.segment() + 1 : Math.max(ids.get(ids.size() - 1), resume.segment()) + 1;
        this.log = new SegmentLog(segDir, cfg, memtable, resume, nextSegment);
        for (long id : ids) {
            if (id < resume.segment()) {
                log.register(Segment.open(segDir, id, cfg.preallocateSegments ? cfg.segmentBytes : 0, true));
            }
        }
        this.checkpointer = new Checkpointer(log, index, catalog, applier, memtable, writerLock, cfg, () -> seq.get() + 1);
        this.reader = new BlockReader(index, catalog, memtable, log, new ReadCache(cfg.readCacheBytes), checkpointer);
        this.foreground = new IdleMeter(() -> reader.reads.sum() + writes.sum(), writtenBytes::sum);
        this.cleaner = cleanerFactory.create(index, catalog, log, writerLock, cfg);
        checkpointer.start();
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "basalt-maintenance");
            t.setDaemon(true);
            return t;
        });
        if (!catalog.reclaimQueue.isEmpty()) {
            maintenance.execute(this::reclaimQuietly);
        }
        if (cfg.zeroFills()) {
            IdleMeter logIdle = new IdleMeter(reader.reads::sum, log.appendedBytes::get);
            maintenance.scheduleWithFixedDelay(() -> log.fillSpareIfIdle(logIdle), 500, 500, TimeUnit.MILLISECONDS);
        }
        if (cfg.backgroundCleaner) {
            long ms = Math.min(1000, cfg.cleanerPolicy.interval().toMillis());
            maintenance.scheduleWithFixedDelay(this::cleanInBackground, ms, ms, TimeUnit.MILLISECONDS);
            maintenance.scheduleWithFixedDelay(this::retireDeadSegments, 250, 250, TimeUnit.MILLISECONDS);
        }
    }

    /** Seam for crash tests: lets a test cleaner fail between phases. */
    interface SegmentCleanerFactory {
        SegmentCleaner create(Index index, Catalog catalog, SegmentLog log, ReentrantLock writerLock, EngineConfig cfg);
    }

    /** Opens (creating if needed) the store in {@code dir}, recovering from any crash. */
    public static BlockEngine open(Path dir, EngineConfig cfg) throws IOException {
        return new BlockEngine(dir, cfg, SegmentCleaner::new);
    }

    static BlockEngine open(Path dir, EngineConfig cfg, SegmentCleanerFactory cleaners) throws IOException {
        return new BlockEngine(dir, cfg, cleaners);
    }

    /** Records replayed from the log tail when this engine was opened (0 after a clean close). */
    public long replayedRecordsAtOpen() {
        return replayedRecordsAtOpen;
    }

    // ------------------------------------------------------------------ data path

    long version(Catalog.VolumeRec v) {
        Catalog.LineageRec l = catalog.lineages.get(v.head);
        return l == null ? 0 : l.lastSeq;
    }

    void read(Catalog.VolumeRec v, long offset, ByteBuffer dst) {
        checkRange(v, offset, dst.remaining());
        reader.read(v.name, v.head, Index.HEAD, offset, dst);
    }

    boolean tryRead(Catalog.VolumeRec v, long offset, ByteBuffer dst) {
        checkRange(v, offset, dst.remaining());
        return reader.tryRead(v.name, v.head, Index.HEAD, offset, dst);
    }

    CompletableFuture<Void> write(Catalog.VolumeRec v, long offset, ByteBuffer src, boolean fua) {
        checkRange(v, offset, src.remaining());
        failIfBroken();
        writes.increment();
        writtenBytes.add(src.remaining());
        if (src.remaining() == 0) {
            return fua ? log.sync(true) : CompletableFuture.completedFuture(null);
        }
        checkpointer.awaitRoom();
        Prepared whole = wholeBlocks(v, offset, src);
        v.lock.lock();
        try {
            ensureLive(v);
            appendData(v, offset, src, whole);
        } finally {
            v.lock.unlock();
        }
        checkpointer.nudge(log.pendingEntries());
        return fua ? log.sync(true) : CompletableFuture.completedFuture(null);
    }

    /**
     * As {@link #write}, for a thread that must not wait (an event loop): a write of whole
     * 4 KiB blocks, at most one record's worth, appended at once if nothing stands in the way;
     * otherwise null, having written nothing. In the way: back-pressure (the pending index at
     * its bound: a checkpoint would run here), the volume's lock held by another writer, a
     * segment roll (it may wait for the spare). The future is the same as write's: done now,
     * or when a sync covers the write if {@code fua}.
     */
    CompletableFuture<Void> tryWrite(Catalog.VolumeRec v, long offset, ByteBuffer src, boolean fua) {
        int length = src.remaining();
        if (length == 0 || length > RecordFormat.MAX_BLOCKS_PER_RECORD * Blocks.BLOCK_SIZE
                || (offset & (Blocks.BLOCK_SIZE - 1)) != 0 || (length & (Blocks.BLOCK_SIZE - 1)) != 0) {
            return null; // partial blocks merge with stored data: a read that may wait for the disk
        }
        checkRange(v, offset, length);
        failIfBroken();
        if (log.pendingEntries() > cfg.maxPendingEntries) {
            return null;
        }
        Prepared whole = wholeBlocks(v, offset, src);
        if (!v.lock.tryLock()) {
            return null;
        }
        try {
            ensureLive(v);
            int n = whole.blocks.length;
            int[] lens = new int[n];
            for (int i = 0; i < n; i++) {
                lens[i] = whole.blocks[i].remaining();
            }
            long s = seq.incrementAndGet();
            if (log.appendWithoutRoll(RecordFormat.DATA, v.head, offset >>> Blocks.BLOCK_SHIFT, n, s, lens, whole.crcs,
                    whole.blocks) == null) {
                return null; // the sequence number stays unused, as after a failed append
            }
            markWritten(v.head, s);
        } finally {
            v.lock.unlock();
        }
        writes.increment();
        writtenBytes.add(length);
        checkpointer.nudge(log.pendingEntries());
        return fua ? log.sync(true) : CompletableFuture.completedFuture(null);
    }

    /**
     * The stored form of every whole 4 KiB block of the write (compressed if the volume asks),
     * indexed from the first block touched; null for partial blocks, which are merged with the
     * current data under the volume lock. Prepared before taking the lock, so that concurrent
     * writers of one volume compress in parallel.
     */
    private static Prepared wholeBlocks(Catalog.VolumeRec v, long offset, ByteBuffer src) {
        long first = offset >>> Blocks.BLOCK_SHIFT;
        long end = offset + src.remaining();
        int n = (int) (((end - 1) >>> Blocks.BLOCK_SHIFT) - first + 1);
        Prepared out = new Prepared(new ByteBuffer[n], new int[n]);
        int base = src.position();
        for (int i = 0; i < n; i++) {
            long bStart = (first + i) << Blocks.BLOCK_SHIFT;
            if (bStart >= offset && bStart + Blocks.BLOCK_SIZE <= end) {
                ByteBuffer block = src.slice(base + (int) (bStart - offset), Blocks.BLOCK_SIZE);
                out.blocks[i] = v.compression ? maybeCompress(block) : block;
                out.crcs[i] = RecordFormat.crc(out.blocks[i]);
            }
        }
        return out;
    }

    /** Stored forms and their CRC32C of a write's whole blocks (null where partial). */
    private record Prepared(ByteBuffer[] blocks, int[] crcs) {
    }

    /**
     * Appends DATA records for [offset, offset+src.remaining()), merging partial blocks;
     * {@code whole} comes from {@link #wholeBlocks}. Caller holds v.lock.
     */
    private void appendData(Catalog.VolumeRec v, long offset, ByteBuffer src, Prepared whole) {
        long lineage = v.head;
        long pos = offset;
        long end = offset + src.remaining();
        int base = src.position();
        long last = 0;
        while (pos < end) {
            long firstBlock = pos >>> Blocks.BLOCK_SHIFT;
            long chunkEnd = Math.min(end, (firstBlock + RecordFormat.MAX_BLOCKS_PER_RECORD) << Blocks.BLOCK_SHIFT);
            int n = (int) (((chunkEnd - 1) >>> Blocks.BLOCK_SHIFT) - firstBlock + 1);
            ByteBuffer[] payload = new ByteBuffer[n];
            int[] lens = new int[n];
            int[] crcs = new int[n];
            for (int i = 0; i < n; i++) {
                long bStart = (firstBlock + i) << Blocks.BLOCK_SHIFT;
                long from = Math.max(pos, bStart);
                long to = Math.min(chunkEnd, bStart + Blocks.BLOCK_SIZE);
                int k = (int) (firstBlock + i - (offset >>> Blocks.BLOCK_SHIFT));
                ByteBuffer block = whole.blocks[k];
                if (block == null) {
                    block = mergePartial(v, lineage, firstBlock + i, src, base + (int) (from - offset), (int) (from - bStart), (int) (to - from));
                    if (v.compression) {
                        block = maybeCompress(block);
                    }
                    crcs[i] = RecordFormat.crc(block);
                } else {
                    crcs[i] = whole.crcs[k];
                }
                payload[i] = block;
                lens[i] = block.remaining();
            }
            last = seq.incrementAndGet();
            log.append(RecordFormat.DATA, lineage, firstBlock, n, last, lens, crcs, payload, true, false);
            pos = chunkEnd;
        }
        markWritten(lineage, last);
    }

    private ByteBuffer mergePartial(Catalog.VolumeRec v, long lineage, long block, ByteBuffer src, int srcIndex, int into, int len) {
        ByteBuffer b = ByteBuffer.allocate(Blocks.BLOCK_SIZE);
        reader.read(v.name, lineage, Index.HEAD, block << Blocks.BLOCK_SHIFT, b);
        b.clear();
        b.put(into, src, srcIndex, len);
        return b;
    }

    private static ByteBuffer maybeCompress(ByteBuffer block) {
        ByteBuffer out = ByteBuffer.allocate(LZ4.maxCompressedLength(Blocks.BLOCK_SIZE));
        int n = LZ4.compress(block, block.position(), Blocks.BLOCK_SIZE, out, 0, out.capacity());
        if (n > Blocks.BLOCK_SIZE - MIN_COMPRESSED_SAVING) {
            return block;
        }
        return out.limit(n);
    }

    private void markWritten(long lineage, long s) {
        Catalog.LineageRec l = catalog.lineages.get(lineage);
        if (l != null && s > l.lastSeq) {
            l.lastSeq = s;
        }
    }

    boolean mapped(Catalog.VolumeRec v, long offset) {
        checkRange(v, offset & ~(long) (Blocks.SECTOR_SIZE - 1), Blocks.SECTOR_SIZE);
        return reader.mapped(v.head, Index.HEAD, offset >>> Blocks.BLOCK_SHIFT);
    }

    byte[] attribute(Catalog.VolumeRec v, String key) {
        try (Txn<ByteBuffer> txn = index.readTxn()) {
            return index.getCatalog(txn, "a/" + v.id + "/" + key);
        }
    }

    void setAttribute(Catalog.VolumeRec v, String key, byte[] value) {
        metaLock.lock();
        try {
            ensureLive(v);
            commitMeta(txn -> {
                if (value == null) {
                    index.deleteCatalog(txn, "a/" + v.id + "/" + key);
                } else {
                    index.putCatalog(txn, "a/" + v.id + "/" + key, value);
                }
            });
        } finally {
            metaLock.unlock();
        }
    }

    CompletableFuture<Void> unmap(Catalog.VolumeRec v, long offset, long length) {
        checkRange(v, offset, length);
        failIfBroken();
        long firstFull = (offset + Blocks.BLOCK_SIZE - 1) & ~(long) (Blocks.BLOCK_SIZE - 1);
        long endFull = (offset + length) & ~(long) (Blocks.BLOCK_SIZE - 1);
        v.lock.lock();
        try {
            ensureLive(v);
            if (firstFull >= endFull) {
                zeroPart(v, offset, length);
            } else {
                zeroPart(v, offset, firstFull - offset);
                zeroPart(v, endFull, offset + length - endFull);
                trimBlocks(v, firstFull >>> Blocks.BLOCK_SHIFT, (endFull - firstFull) >>> Blocks.BLOCK_SHIFT);
            }
        } finally {
            v.lock.unlock();
        }
        return CompletableFuture.completedFuture(null);
    }

    private void zeroPart(Catalog.VolumeRec v, long offset, long length) {
        if (length > 0) {
            ByteBuffer zeros = ByteBuffer.allocate((int) length);
            appendData(v, offset, zeros, wholeBlocks(v, offset, zeros));
        }
    }

    /** Caller holds v.lock. Small trims become memtable tombstones; large ones are checkpointed at once. */
    private void trimBlocks(Catalog.VolumeRec v, long first, long count) {
        long lineage = v.head;
        long s = 0;
        for (long done = 0; done < count; ) {
            long n = Math.min(count - done, MAX_TRIM_RECORD_BLOCKS);
            s = seq.incrementAndGet();
            log.append(RecordFormat.TRIM, lineage, first + done, n, s, null, null, null, true, false);
            done += n;
        }
        markWritten(lineage, s);
        if (count > SMALL_TRIM_BLOCKS) {
            checkpointer.checkpoint(Checkpointer.Trigger.REQUEST);
        }
    }

    CompletableFuture<Void> flush() {
        failIfBroken();
        return log.sync();
    }

    private void checkRange(Catalog.VolumeRec v, long offset, long length) {
        if (closed) {
            throw new EngineException(EngineException.Kind.CLOSED, "engine closed");
        }
        if (offset < 0 || length < 0 || offset % Blocks.SECTOR_SIZE != 0 || length % Blocks.SECTOR_SIZE != 0) {
            throw new EngineException(EngineException.Kind.INVALID_ARGUMENT,
                    "offset " + offset + " and length " + length + " must be non-negative multiples of " + Blocks.SECTOR_SIZE);
        }
        if (offset + length > v.sizeBytes || offset + length < 0) {
            throw new EngineException(EngineException.Kind.INVALID_ARGUMENT,
                    "range [" + offset + ", " + (offset + length) + ") is beyond the end of " + v.name + " (" + v.sizeBytes + " bytes)");
        }
    }

    private void ensureLive(Catalog.VolumeRec v) {
        if (v.deleted) {
            throw new EngineException(EngineException.Kind.NOT_FOUND, "volume " + v.name + " was deleted");
        }
    }

    private void failIfBroken() {
        EngineException f = checkpointer.failure();
        if (f != null) {
            throw f;
        }
    }

    // ------------------------------------------------------------------ volumes

    /** Creates a volume, or returns the existing one if it has the same spec (idempotent). */
    public Volume createVolume(VolumeSpec spec) {
        metaLock.lock();
        try {
            checkOpen();
            Catalog.VolumeRec existing = catalog.volumesByName.get(spec.name());
            if (existing != null) {
                if (existing.sizeBytes == spec.sizeBytes() && existing.compression == spec.compression()) {
                    return new Volume(this, existing);
                }
                throw new EngineException(EngineException.Kind.ALREADY_EXISTS,
                        "volume " + spec.name() + " exists with size " + existing.sizeBytes + " and compression " + existing.compression);
            }
            long s = seq.incrementAndGet();
            Catalog.VolumeRec v = new Catalog.VolumeRec(catalog.newId(), spec.name(), spec.sizeBytes(), spec.compression(),
                    catalog.newId(), 0, System.currentTimeMillis());
            Catalog.LineageRec l = new Catalog.LineageRec(v.head, 0, 0, s, v.id);
            commitMeta(txn -> {
                catalog.lineages.put(l.id, l);
                catalog.saveLineage(index, txn, l);
                catalog.saveVolume(index, txn, v);
            });
            catalog.volumes.put(v.id, v);
            catalog.volumesByName.put(v.name, v);
            return new Volume(this, v);
        } finally {
            metaLock.unlock();
        }
    }

    public Volume volume(String name) {
        return new Volume(this, volumeRec(name));
    }

    public List<VolumeInfo> listVolumes() {
        return catalog.volumes.values().stream().sorted(Comparator.comparing(v -> v.name)).map(this::info).toList();
    }

    public VolumeInfo info(String name) {
        return info(volumeRec(name));
    }

    private VolumeInfo info(Catalog.VolumeRec v) {
        Catalog.LineageRec l = catalog.lineages.get(v.head);
        long stored;
        writerLock.lock();
        try {
            stored = l == null ? 0 : l.liveBytes;
        } finally {
            writerLock.unlock();
        }
        return new VolumeInfo(v.id, v.name, v.sizeBytes, v.compression, version(v), stored, v.parentSnapshot, v.createdMillis);
    }

    /** Deletes a volume and its snapshots; deleting a missing volume succeeds (idempotent). */
    public void deleteVolume(String name) {
        Catalog.VolumeRec v = catalog.volumesByName.get(name);
        if (v == null) {
            return;
        }
        v.lock.lock();
        metaLock.lock();
        try {
            if (v.deleted) {
                return;
            }
            checkpointer.checkpoint(Checkpointer.Trigger.REQUEST);
            List<Catalog.SnapRec> snaps = catalog.snapshots.values().stream().filter(s -> s.volumeId() == v.id).toList();
            Catalog.LineageRec head = catalog.lineages.get(v.head);
            commitMeta(txn -> {
                for (Catalog.SnapRec s : snaps) {
                    dropSnapshot(txn, s);
                }
                head.headVolume = 0;
                catalog.saveLineage(index, txn, head);
                index.deleteCatalog(txn, "v/" + v.id);
                List<String> attrs = new ArrayList<>();
                index.scanCatalog(txn, "a/" + v.id + "/", (k, val) -> attrs.add(k));
                attrs.forEach(k -> index.deleteCatalog(txn, k));
                queueReclaim(txn, head.id);
            });
            v.deleted = true;
            catalog.volumes.remove(v.id);
            catalog.volumesByName.remove(v.name);
        } finally {
            metaLock.unlock();
            v.lock.unlock();
        }
        maintenance.execute(this::reclaimQuietly);
    }

    /** Grows or shrinks a volume online. Shrinking discards the data beyond the new end. */
    public void resize(String name, long newSize) {
        Catalog.VolumeRec v = volumeRec(name);
        if (newSize <= 0 || newSize % Blocks.BLOCK_SIZE != 0) {
            throw new EngineException(EngineException.Kind.INVALID_ARGUMENT, "size must be a positive multiple of 4096, got " + newSize);
        }
        v.lock.lock();
        try {
            ensureLive(v);
            if (newSize < v.sizeBytes) {
                long first = newSize >>> Blocks.BLOCK_SHIFT;
                trimBlocks(v, first, (v.sizeBytes >>> Blocks.BLOCK_SHIFT) - first);
            }
            checkpointer.checkpoint(Checkpointer.Trigger.REQUEST);
            metaLock.lock();
            try {
                v.sizeBytes = newSize;
                commitMeta(txn -> catalog.saveVolume(index, txn, v));
            } finally {
                metaLock.unlock();
            }
        } finally {
            v.lock.unlock();
        }
    }

    // ------------------------------------------------------------------ snapshots and clones

    /** Takes a snapshot in O(1); an existing snapshot of that name is returned (idempotent). */
    public SnapshotInfo createSnapshot(String volume, String name) {
        Names.check(name, "snapshot name");
        Catalog.VolumeRec v = volumeRec(volume);
        v.lock.lock();
        metaLock.lock();
        try {
            ensureLive(v);
            Catalog.SnapRec existing = findSnap(v.id, name);
            if (existing != null) {
                return info(existing);
            }
            checkpointer.checkpoint(Checkpointer.Trigger.REQUEST);
            long s = seq.incrementAndGet();
            Catalog.SnapRec snap = new Catalog.SnapRec(catalog.newId(), v.id, v.name, name, v.head, s,
                    v.parentSnapshot, v.sizeBytes, System.currentTimeMillis());
            commitMeta(txn -> {
                catalog.lineages.get(v.head).addView(s);
                v.parentSnapshot = snap.id();
                catalog.saveSnap(index, txn, snap);
                catalog.saveVolume(index, txn, v);
            });
            catalog.snapshots.put(snap.id(), snap);
            return info(snap);
        } finally {
            metaLock.unlock();
            v.lock.unlock();
        }
    }

    /** Snapshots of a volume, oldest first; {@link SnapshotInfo#parentId()} gives the tree. */
    public List<SnapshotInfo> listSnapshots(String volume) {
        Catalog.VolumeRec v = volumeRec(volume);
        return catalog.snapshots.values().stream().filter(s -> s.volumeId() == v.id)
                .sorted(Comparator.comparingLong(Catalog.SnapRec::seq)).map(this::info).toList();
    }

    /** Every snapshot in the store, including those of deleted volumes that clones still use. */
    public List<SnapshotInfo> listAllSnapshots() {
        return catalog.snapshots.values().stream().sorted(Comparator.comparingLong(Catalog.SnapRec::seq)).map(this::info).toList();
    }

    public SnapshotInfo snapshot(String volume, String name) {
        return info(snapRec(volume, name));
    }

    /**
     * Deletes a snapshot in O(1); its space is reclaimed in the background. Clones made from it
     * keep their data. Deleting a missing snapshot succeeds (idempotent).
     */
    public void deleteSnapshot(String volume, String name) {
        Catalog.VolumeRec v = catalog.volumesByName.get(volume);
        if (v == null) {
            return;
        }
        metaLock.lock();
        try {
            Catalog.SnapRec s = findSnap(v.id, name);
            if (s == null) {
                return;
            }
            commitMeta(txn -> dropSnapshot(txn, s));
        } finally {
            metaLock.unlock();
        }
        maintenance.execute(this::reclaimQuietly);
    }

    /** Caller holds metaLock and writerLock, inside a transaction. */
    private void dropSnapshot(Txn<ByteBuffer> txn, Catalog.SnapRec s) {
        Catalog.LineageRec l = catalog.lineages.get(s.lineage());
        if (l != null) {
            l.removeView(s.seq());
        }
        catalog.snapshots.remove(s.id());
        index.deleteCatalog(txn, "s/" + s.id());
        for (Catalog.SnapRec child : List.copyOf(catalog.snapshots.values())) {
            if (child.parentId() == s.id()) {
                Catalog.SnapRec moved = child.withParent(s.parentId());
                catalog.snapshots.put(moved.id(), moved);
                catalog.saveSnap(index, txn, moved);
            }
        }
        for (Catalog.VolumeRec vol : catalog.volumes.values()) {
            if (vol.parentSnapshot == s.id()) {
                vol.parentSnapshot = s.parentId();
                catalog.saveVolume(index, txn, vol);
            }
        }
        queueReclaim(txn, s.lineage());
    }

    /**
     * Reverts a volume to one of its snapshots in O(1): the volume continues from a new lineage
     * based on the snapshot; the discarded state is reclaimed in the background.
     */
    public void revert(String volume, String snapshot) {
        Catalog.VolumeRec v = volumeRec(volume);
        v.lock.lock();
        metaLock.lock();
        try {
            ensureLive(v);
            Catalog.SnapRec snap = findSnap(v.id, snapshot);
            if (snap == null) {
                throw new EngineException(EngineException.Kind.NOT_FOUND, "volume " + volume + " has no snapshot " + snapshot);
            }
            checkpointer.checkpoint(Checkpointer.Trigger.REQUEST);
            long s = seq.incrementAndGet();
            Catalog.LineageRec old = catalog.lineages.get(v.head);
            Catalog.LineageRec fresh = new Catalog.LineageRec(catalog.newId(), snap.lineage(), snap.seq(), s, v.id);
            commitMeta(txn -> {
                catalog.lineages.get(snap.lineage()).addView(snap.seq());
                catalog.lineages.put(fresh.id, fresh);
                old.headVolume = 0;
                v.head = fresh.id;
                v.sizeBytes = snap.sizeBytes();
                v.parentSnapshot = snap.id();
                catalog.saveLineage(index, txn, fresh);
                catalog.saveLineage(index, txn, old);
                catalog.saveVolume(index, txn, v);
                queueReclaim(txn, old.id);
            });
        } finally {
            metaLock.unlock();
            v.lock.unlock();
        }
        maintenance.execute(this::reclaimQuietly);
    }

    /**
     * Creates a writable clone of a snapshot in O(1), sharing its blocks copy-on-write.
     * Cloning again with the same name and origin returns the existing clone (idempotent).
     */
    public Volume cloneSnapshot(String volume, String snapshot, String cloneName) {
        Names.check(cloneName, "volume name");
        metaLock.lock();
        try {
            checkOpen();
            Catalog.SnapRec snap = snapRec(volume, snapshot);
            Catalog.VolumeRec existing = catalog.volumesByName.get(cloneName);
            if (existing != null) {
                Catalog.LineageRec l = catalog.lineages.get(existing.head);
                if (l != null && l.parent == snap.lineage() && l.parentSeq == snap.seq()) {
                    return new Volume(this, existing);
                }
                throw new EngineException(EngineException.Kind.ALREADY_EXISTS, "volume " + cloneName + " exists");
            }
            Catalog.VolumeRec src = catalog.volumes.get(snap.volumeId());
            long s = seq.incrementAndGet();
            Catalog.VolumeRec v = new Catalog.VolumeRec(catalog.newId(), cloneName, snap.sizeBytes(),
                    src != null && src.compression, catalog.newId(), snap.id(), System.currentTimeMillis());
            Catalog.LineageRec l = new Catalog.LineageRec(v.head, snap.lineage(), snap.seq(), s, v.id);
            commitMeta(txn -> {
                catalog.lineages.get(snap.lineage()).addView(snap.seq());
                catalog.lineages.put(l.id, l);
                catalog.saveLineage(index, txn, l);
                catalog.saveVolume(index, txn, v);
            });
            catalog.volumes.put(v.id, v);
            catalog.volumesByName.put(v.name, v);
            return new Volume(this, v);
        } finally {
            metaLock.unlock();
        }
    }

    /** Reads from a snapshot (read-only image). */
    public void readSnapshot(String volume, String snapshot, long offset, ByteBuffer dst) {
        Catalog.SnapRec s = snapRec(volume, snapshot);
        if (offset < 0 || offset % Blocks.SECTOR_SIZE != 0 || dst.remaining() % Blocks.SECTOR_SIZE != 0
                || offset + dst.remaining() > s.sizeBytes()) {
            throw new EngineException(EngineException.Kind.INVALID_ARGUMENT, "bad range for snapshot " + snapshot);
        }
        reader.read(volume + "@" + snapshot, s.lineage(), s.seq(), offset, dst);
    }

    // ------------------------------------------------------------------ change tracking, scrub, space

    /**
     * The extents that differ between snapshot {@code from} and snapshot {@code to} of a volume
     * ({@code to == null}: the volume's current state), in ascending order. {@code from} must
     * be in the history of {@code to}. This is what replica catch-up streams: cost follows what
     * changed, not the volume size.
     */
    public List<ChangedExtent> changes(String volume, String from, String to) {
        Catalog.VolumeRec v = volumeRec(volume);
        Catalog.SnapRec f = snapRec(volume, from);
        long toLineage;
        long toSeq;
        if (to == null) {
            checkpointer.checkpoint(Checkpointer.Trigger.REQUEST);
            toLineage = v.head;
            toSeq = Index.HEAD;
        } else {
            Catalog.SnapRec t = snapRec(volume, to);
            toLineage = t.lineage();
            toSeq = t.seq();
        }
        return ChangeScanner.changes(index, catalog, applier, f.lineage(), f.seq(), toLineage, toSeq);
    }

    /** Verifies the checksum of every stored block the volume's current state uses. */
    public ScrubReport scrub(String volume) {
        Catalog.VolumeRec v = volumeRec(volume);
        checkpointer.checkpoint(Checkpointer.Trigger.REQUEST);
        return ChangeScanner.scrub(index, catalog, applier, reader, v.name, v.head, v.sizeBytes);
    }

    /** Bytes that deleting this snapshot would free (blocks only it keeps). Scans its lineage. */
    public long snapshotExclusiveBytes(String volume, String snapshot) {
        Catalog.SnapRec s = snapRec(volume, snapshot);
        writerLock.lock();
        try (Txn<ByteBuffer> txn = index.readTxn()) {
            return ChangeScanner.exclusiveBytes(index, catalog.lineages.get(s.lineage()), s.seq(), txn);
        } finally {
            writerLock.unlock();
        }
    }

    /** Store-wide figures. */
    public record Stats(long segments, long segmentBytes, long liveBytes, long syncs, long syncedWrites,
                        long checkpoints, long segmentsCleaned, long bytesCleaned, long freeBytes, long sparesZeroFilled) {
    }

    /** The log, for tests. */
    SegmentLog log() {
        return log;
    }

    /** The index, for tests. */
    Index index() {
        return index;
    }

    /** The checkpointer, for tests. */
    Checkpointer checkpointer() {
        return checkpointer;
    }

    public Stats stats() {
        long live;
        writerLock.lock();
        try {
            live = catalog.segmentLive.values().stream().mapToLong(Long::longValue).sum();
        } finally {
            writerLock.unlock();
        }
        long checkpoints = 0;
        for (AtomicLong a : checkpointer.byTrigger) {
            checkpoints += a.get();
        }
        return new Stats(log.segments.size(), cfg.segmentBytes, live, log.syncCount.get(), log.syncedWaiters.get(),
                checkpoints, cleaner.segmentsCleaned, cleaner.bytesCopied, dir.toFile().getUsableSpace(), log.sparesFilled.get());
    }

    // ------------------------------------------------------------------ maintenance

    /** Runs one cleaning pass now; returns the number of segments cleaned. */
    public int clean() {
        return clean(() -> true);
    }

    /** One pass that stops before the next segment once {@code keepGoing} says so. */
    private int clean(BooleanSupplier keepGoing) {
        synchronized (cleanMutex) {
            checkOpen();
            checkpointer.checkpoint(Checkpointer.Trigger.REQUEST);
            return cleanEach(cleaner.candidates(cfg.cleanerPolicy), keepGoing);
        }
    }

    /** Caller holds cleanMutex. */
    private int cleanEach(List<Long> segments, BooleanSupplier keepGoing) {
        int n = 0;
        for (long id : segments) {
            if (!keepGoing.getAsBoolean()) {
                break;
            }
            try {
                cleaner.clean(id);
                n++;
            } catch (IOException e) {
                throw new EngineException(EngineException.Kind.IO_ERROR, "cleaning segment " + id + " failed: " + e.getMessage(), e);
            }
        }
        return n;
    }

    /** At most this many segments with nothing live are retired per look. */
    private static final int DEAD_PER_LOOK = 16;

    private long lastPassNanos = System.nanoTime();

    /**
     * The background cleaner's periodic look: a pass when the policy's interval has passed and
     * the engine was idle since the previous look, or space is short; a pass started while idle
     * stops between segments as soon as reads or writes come back (see {@link CleanerPolicy}).
     */
    private void cleanInBackground() {
        boolean idle = foreground.idleSinceLastLook();
        java.io.File fs = dir.toFile();
        // Short of space also when the reserve, plus room for a few segments, is all that is left.
        long usable = fs.getUsableSpace();
        boolean urgent = cfg.cleanerPolicy.cleansUnderLoad(usable, fs.getTotalSpace())
                || usable < cfg.reserveBytes + 4 * cfg.segmentBytes;
        if (!(idle || urgent) || System.nanoTime() - lastPassNanos < cfg.cleanerPolicy.interval().toNanos()) {
            return;
        }
        lastPassNanos = System.nanoTime();
        IdleMeter.Mark start = foreground.mark();
        try {
            clean(() -> urgent || foreground.quietSince(start));
        } catch (RuntimeException e) {
            if (!closing) {
                LOG.log(Level.WARNING, "background cleaning failed", e);
            }
        }
    }

    /**
     * Every quarter second, under load too: segments the log has moved past entirely only need
     * their index entries checked, nothing copied, and their files are reused while still in
     * memory (a sequential writer then rewrites cached pages instead of taking fresh ones, as
     * an in-place target does).
     */
    private void retireDeadSegments() {
        try {
            synchronized (cleanMutex) {
                // After a failed checkpoint the in-memory catalog is ahead of the index: saving
                // any of it (cleaning commits the catalog state) could skip records at replay.
                if (!closing && checkpointer.failure() == null) {
                    cleanEach(cleaner.dead(DEAD_PER_LOOK), () -> !closing);
                }
            }
        } catch (RuntimeException e) {
            if (!closing) {
                LOG.log(Level.WARNING, "retiring dead segments failed", e);
            }
        }
    }

    /** Reclaims space of dropped snapshots, reverted states and deleted volumes now. */
    public void reclaim() {
        synchronized (cleanMutex) {
            while (true) {
                long lineage;
                writerLock.lock();
                try {
                    if (catalog.reclaimQueue.isEmpty()) {
                        return;
                    }
                    lineage = catalog.reclaimQueue.iterator().next();
                } finally {
                    writerLock.unlock();
                }
                reclaimLineage(lineage);
            }
        }
    }

    private void reclaimLineage(long id) {
        long from = 0;
        while (from >= 0) {
            writerLock.lock();
            try (Txn<ByteBuffer> txn = index.writeTxn()) {
                failIfBroken(); // as in commitMeta: it saves the space accounting too
                Catalog.LineageRec l = catalog.lineages.get(id);
                if (l == null) {
                    from = -1;
                } else {
                    from = applier.reclaim(txn, l, from, 65_536);
                    if (from < 0 && !l.referenced()) {
                        catalog.lineages.remove(id);
                        index.deleteCatalog(txn, "l/" + id);
                        Catalog.LineageRec p = catalog.lineages.get(l.parent);
                        if (p != null) {
                            p.removeView(l.parentSeq);
                            queueReclaim(txn, p.id);
                        }
                    }
                }
                if (from < 0) {
                    catalog.reclaimQueue.remove(id);
                    index.deleteCatalog(txn, "r/" + id);
                }
                catalog.saveDirty(index, txn);
                index.commit(txn);
            } finally {
                writerLock.unlock();
            }
        }
    }

    private void reclaimQuietly() {
        try {
            reclaim();
        } catch (RuntimeException e) {
            if (!closing) {
                LOG.log(Level.WARNING, "background reclaim failed", e);
            }
        }
    }

    /** Caller holds writerLock, inside a transaction. */
    private void queueReclaim(Txn<ByteBuffer> txn, long lineage) {
        catalog.reclaimQueue.add(lineage);
        index.putCatalog(txn, "r/" + lineage, new byte[] {1});
    }

    // ------------------------------------------------------------------ helpers

    private void commitMeta(Consumer<Txn<ByteBuffer>> body) {
        writerLock.lock();
        try (Txn<ByteBuffer> txn = index.writeTxn()) {
            // After a failed checkpoint the in-memory accounting holds its records' effect,
            // which the next start replays: saving it now would count them twice. Checked under
            // the lock, which a checkpoint holds from applying a chunk to failing.
            failIfBroken();
            body.accept(txn);
            catalog.nextSeq = seq.get() + 1;
            catalog.saveDirty(index, txn);
            catalog.saveState(index, txn);
            index.commit(txn);
        } finally {
            writerLock.unlock();
        }
    }

    private Catalog.VolumeRec volumeRec(String name) {
        checkOpen();
        Catalog.VolumeRec v = catalog.volumesByName.get(name);
        if (v == null) {
            throw new EngineException(EngineException.Kind.NOT_FOUND, "no volume " + name);
        }
        return v;
    }

    private Catalog.SnapRec findSnap(long volumeId, String name) {
        for (Catalog.SnapRec s : catalog.snapshots.values()) {
            if (s.volumeId() == volumeId && s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    private Catalog.SnapRec snapRec(String volume, String name) {
        Catalog.SnapRec s = findSnap(volumeRec(volume).id, name);
        if (s == null) {
            throw new EngineException(EngineException.Kind.NOT_FOUND, "volume " + volume + " has no snapshot " + name);
        }
        return s;
    }

    private SnapshotInfo info(Catalog.SnapRec s) {
        return new SnapshotInfo(s.id(), s.volumeName(), s.name(), s.parentId(), s.seq(), s.sizeBytes(), s.createdMillis());
    }

    private void checkOpen() {
        if (closed) {
            throw new EngineException(EngineException.Kind.CLOSED, "engine closed");
        }
    }

    /** Orderly stop: every appended write is synced and indexed, files are closed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closing = true;
        shutdownMaintenance();
        synchronized (cleanMutex) {
            closed = true;
        }
        checkpointer.close();
        try {
            checkpointer.checkpoint(Checkpointer.Trigger.CLOSE);
        } finally {
            log.close();
            index.close();
        }
    }

    /** Never interrupts: an interrupt in file I/O would close a channel every reader shares. */
    private void shutdownMaintenance() {
        cleaner.stop();
        maintenance.shutdown();
        try {
            maintenance.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Test hook: stops as a killed process would, without syncing or checkpointing; returns
     * the log positions up to which data was synced, and where it ended.
     */
    SegmentLog.Position[] crash() {
        closing = true;
        shutdownMaintenance();
        synchronized (cleanMutex) {
            closed = true;
        }
        checkpointer.close();
        SegmentLog.Position[] syncedAndEnd = {log.syncedPosition(), log.position()};
        log.close();
        index.close();
        return syncedAndEnd;
    }
}
