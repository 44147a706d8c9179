package io.basalt.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The read path: resolve each block through memtable, index and ancestor lineages, read the
 * stored bytes, verify their CRC32C, decompress. A read that raced a checkpoint (memtable
 * entry gone, index transaction older than the commit) or a cleaned segment is retried.
 */
final class BlockReader {
    private static final LZ4SafeDecompressor LZ4 = LZ4Factory.fastestInstance().safeDecompressor();
    private final Index index;
    private final Catalog catalog;
    private final Memtable memtable;
    private final SegmentLog log;
    private final ReadCache cache;
    private final Checkpointer checkpointer;
    /** Reads served (and tried), so that background work can tell an idle engine. */
    final LongAdder reads = new LongAdder();

    BlockReader(Index index, Catalog catalog, Memtable memtable, SegmentLog log, ReadCache cache, Checkpointer checkpointer) {
        this.index = index;
        this.catalog = catalog;
        this.memtable = memtable;
        this.log = log;
        this.cache = cache;
        this.checkpointer = checkpointer;
    }

    /**
     * Reads bytes [offset, offset + dst.remaining()) of view (lineage, seq) into dst.
     * {@code name} only labels errors.
     */
    void read(String name, long lineage, long seq, long offset, ByteBuffer dst) {
        read(name, lineage, seq, offset, dst, false);
    }

    /**
     * Like {@link #read} but only if every stored byte it needs is in memory now: returns false,
     * with dst's position unchanged, rather than wait for the disk. The index itself is
     * memory-mapped and taken as resident (it is small next to the data it maps).
     */
    boolean tryRead(String name, long lineage, long seq, long offset, ByteBuffer dst) {
        return read(name, lineage, seq, offset, dst, true);
    }

    private boolean read(String name, long lineage, long seq, long offset, ByteBuffer dst, boolean residentOnly) {
        reads.increment();
        int start = dst.position();
        int len = dst.remaining();
        for (int attempt = 0; ; attempt++) {
            long gen = checkpointer.generation;
            int outcome;
            try (Index.Reader r = index.reader()) {
                r.useCache = attempt == 0;
                outcome = readOnce(name, r, lineage, seq, offset, dst, start, len, residentOnly);
            }
            if (outcome == NOT_RESIDENT) {
                return false;
            }
            if (outcome == DONE && gen == checkpointer.generation) {
                dst.position(start + len);
                return true;
            }
            if (attempt > 1000) {
                throw new EngineException(EngineException.Kind.IO_ERROR, "read of " + name + " kept racing checkpoints");
            }
        }
    }

    /** Outcomes of one attempt: all read; a segment vanished under the read (retry); would wait for the disk. */
    private static final int DONE = 0;
    private static final int GONE = 1;
    private static final int NOT_RESIDENT = 2;

    /** Where the touches of {@link #readOnce} go, so that the JIT keeps them. */
    @SuppressWarnings("unused")
    private static long sink;

    /** Blocks resolved ahead of their copy in one pass of {@link #readOnce}. */
    private static final int AHEAD = 32;

    /**
     * Reads [offset, offset + len) in passes of up to {@link #AHEAD} blocks: resolve each block,
     * touch the first word of each stored, uncompressed one, then copy and check them. The
     * touches start the memory fetches (and page walks) of blocks scattered over the log all
     * at once; copying them one after another otherwise waits for each cold page in turn.
     * 128 KiB reads of blocks scattered by random writes: 35 against 27 µs per read copied and
     * checked (microbenchmark), 111 against 103 µs of the daemon's CPU per read over iSCSI.
     */
    private int readOnce(String name, Index.Reader c, long lineage, long seq, long offset, ByteBuffer dst, int start,
                         int len, boolean residentOnly) {
        // On the event loop (residentOnly) block by block, as it may stop at any block.
        Loc[] locs = new Loc[residentOnly ? 1 : (int) Math.min(AHEAD,
                ((offset & (Blocks.BLOCK_SIZE - 1)) + len + Blocks.BLOCK_SIZE - 1) >>> Blocks.BLOCK_SHIFT)];
        Segment[] segs = locs.length > 1 ? new Segment[locs.length] : null;
        long pos = offset;
        long end = offset + len;
        while (pos < end) {
            long first = pos >>> Blocks.BLOCK_SHIFT;
            int count = (int) Math.min(locs.length, ((end - 1) >>> Blocks.BLOCK_SHIFT) - first + 1);
            for (int i = 0; i < count; i++) {
                locs[i] = resolve(c, lineage, first + i, seq);
            }
            if (count > 1) { // never on the event loop: a touch of a page not in memory waits for the disk
                touch(locs, segs, count); // and looks up each block's segment once for the copy below
            }
            for (int i = 0; i < count; i++) {
                long block = first + i;
                int from = (int) (pos & (Blocks.BLOCK_SIZE - 1));
                int n = (int) Math.min(Blocks.BLOCK_SIZE - from, end - pos);
                int at = start + (int) (pos - offset);
                Loc loc = locs[i];
                if (loc == null || loc.zero()) {
                    dst.put(at, ZEROS, 0, n);
                } else {
                    int got = readStored(name, block, loc, count > 1 ? segs[i] : null, from, dst, at, n, residentOnly);
                    if (got != DONE) {
                        return got;
                    }
                }
                pos += n;
            }
        }
        return DONE;
    }

    /**
     * Loads the first word of each stored, uncompressed block of {@code locs[0, count)} in one
     * go, and leaves each such block's segment in {@code segs} (null for the others, and for
     * a segment gone meanwhile). Entering and leaving a mapping are atomic updates, which on
     * x86 wait for every load before them; so all mappings are entered first, then all words
     * loaded (their cache misses overlap), then all left.
     */
    private void touch(Loc[] locs, Segment[] segs, int count) {
        long touched = 0;
        long entered = 0; // bit i: segs[i] was entered (count <= AHEAD <= 64)
        try {
            for (int i = 0; i < count; i++) {
                Loc loc = locs[i];
                Segment seg = loc == null || loc.zero() || loc.compressed() ? null : log.segments.get(loc.segment());
                segs[i] = seg;
                if (seg != null && seg.enter()) {
                    entered |= 1L << i;
                }
            }
            for (int i = 0; i < count; i++) {
                if ((entered & (1L << i)) != 0) {
                    touched ^= segs[i].peek(locs[i].offset());
                }
            }
        } finally {
            // Also after an error (a page that fails to read in): a reader left counted would
            // keep the segment from ever closing.
            for (int i = 0; i < count; i++) {
                if ((entered & (1L << i)) != 0) {
                    segs[i].leave();
                }
            }
        }
        sink = touched; // a plain store: the loads feed it, so they stay, and nothing waits on it
    }

    /** Whether the block has stored data in view (lineage, seq). */
    boolean mapped(long lineage, long seq, long block) {
        while (true) {
            long gen = checkpointer.generation;
            boolean m;
            try (Index.Reader r = index.reader()) {
                Loc loc = resolve(r, lineage, block, seq);
                m = loc != null && !loc.zero();
            }
            if (gen == checkpointer.generation) {
                return m;
            }
        }
    }

    /** The version a view (lineage, seq) sees: memtable first, then index, then the parent. */
    Loc resolve(Index.Reader c, long lineage, long block, long seq) {
        long l = lineage;
        long v = seq;
        while (l != 0) {
            Loc m = memtable.get(l, block);
            if (m != null && m.seq() <= v) {
                return m;
            }
            Loc e = v == Index.HEAD ? c.head(l, block) : c.floor(l, block, v);
            if (e != null) {
                return e;
            }
            Catalog.LineageRec r = catalog.lineages.get(l);
            if (r == null) {
                return null;
            }
            v = r.parentSeq;
            l = r.parent;
        }
        return null;
    }

    /**
     * Reads bytes [from, from + n) of a stored block into dst at index {@code at} (dst's
     * position and limit are left as they are): DONE, GONE when its segment was cleaned away
     * meanwhile, NOT_RESIDENT when {@code residentOnly} and it is not in memory. Whole
     * uncompressed blocks go straight into dst and are checked there (the OS page cache serves
     * them); decoded compressed blocks go through the read cache. {@code known} is the block's
     * segment when the caller has looked it up already, else null.
     */
    private int readStored(String name, long block, Loc loc, Segment known, int from, ByteBuffer dst, int at, int n,
                           boolean residentOnly) {
        if (loc.compressed() && cache.get(loc, from, dst.duplicate().position(at).limit(at + n))) {
            return DONE;
        }
        // A segment found by the touches may have been cleaned since: its read then reports it
        // gone, as a segment looked up now and closed before the read would.
        Segment seg = known != null ? known : log.segments.get(loc.segment());
        if (seg == null) {
            return GONE;
        }
        if (residentOnly && !seg.resident(loc.offset(), loc.length())) {
            return NOT_RESIDENT;
        }
        try {
            if (from == 0 && n == Blocks.BLOCK_SIZE && !loc.compressed()) {
                if (!seg.readAt(dst, at, loc.offset(), n)) {
                    return GONE;
                }
                if (RecordFormat.crc(dst, at, n) != loc.crc()) {
                    throw medium(name, block, loc);
                }
                return DONE;
            }
            ByteBuffer stored = ByteBuffer.allocate(loc.length());
            if (!seg.read(stored, loc.offset())) {
                return GONE;
            }
            stored.flip();
            if (RecordFormat.crc(stored) != loc.crc()) {
                throw medium(name, block, loc);
            }
            byte[] decoded = decode(name, block, loc, stored);
            dst.put(at, decoded, from, n);
            if (loc.compressed()) {
                cache.put(loc, decoded);
            }
            return DONE;
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.IO_ERROR, "read of segment " + loc.segment() + " failed: " + e.getMessage(), e);
        }
    }

    private static MediumErrorException medium(String name, long block, Loc loc) {
        return new MediumErrorException(name, block << Blocks.BLOCK_SHIFT, "segment " + loc.segment() + " offset " + loc.offset());
    }

    private static final byte[] ZEROS = new byte[Blocks.BLOCK_SIZE];

    /** Reads a stored block from disk (never the cache) and checks its CRC32C. A cleaned segment counts as fine. */
    boolean verifyStored(Loc loc) {
        Segment seg = log.segments.get(loc.segment());
        if (seg == null) {
            return true;
        }
        ByteBuffer stored = ByteBuffer.allocate(loc.length());
        try {
            if (!seg.read(stored, loc.offset())) {
                return true;
            }
        } catch (IOException e) {
            return false;
        }
        return RecordFormat.crc(stored.flip()) == loc.crc();
    }

    private static byte[] decode(String name, long block, Loc loc, ByteBuffer stored) {
        byte[] out = new byte[Blocks.BLOCK_SIZE];
        if (!loc.compressed()) {
            stored.duplicate().get(out);
            return out;
        }
        try {
            int n = LZ4.decompress(stored.duplicate(), stored.position(), stored.remaining(), ByteBuffer.wrap(out), 0, out.length);
            if (n != Blocks.BLOCK_SIZE) {
                throw new MediumErrorException(name, block << Blocks.BLOCK_SHIFT, "decompressed to " + n + " bytes");
            }
        } catch (net.jpountz.lz4.LZ4Exception e) {
            throw new MediumErrorException(name, block << Blocks.BLOCK_SHIFT, "undecodable LZ4 block");
        }
        return out;
    }
}
