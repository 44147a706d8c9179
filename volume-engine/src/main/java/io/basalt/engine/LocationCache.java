package io.basalt.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded cache of index lookups: (lineage, block) to the newest version of the block in that
 * lineage, as LMDB holds it. A random read that hits it skips the LMDB transaction and B-tree
 * search, which otherwise cost more than the rest of the read.
 *
 * <p>Entries are grouped by runs of {@link #RUN} consecutive blocks: one map entry holds the
 * slots of a run, so the 32 lookups of a sequential 128 KiB read land on two entries, in cache
 * after the first lookup of each, instead of on 32 entries spread over a large map (a few cache
 * misses each). A lookup still goes through the map every time: a slot array kept from an
 * earlier lookup could have been dropped by a shard clear and miss a later invalidation. A
 * shard is emptied when it holds capacity / 64 blocks or capacity / 256 runs.
 *
 * <p>A run's slots are one {@code long[]}, three words per block ({@link #pack}), not an array
 * of {@link Loc} objects: a hit then costs one cache miss fewer (the Loc object, scattered
 * over the heap, was about a tenth of a random 4 KiB read). Slots are written only under the
 * map's lock for the run's entry, inside a sequence lock in word 0 (odd while a store is under
 * way); a reader takes the three words of its slot only when it read them between two equal,
 * even values of it, and otherwise treats the lookup as a miss (the index has the answer). A
 * location that does not fit the packing (a segment id of 2^48 or more, an offset of 4 GiB or
 * more, a stored length of 16 KiB or more) is simply not cached.
 *
 * <p>Coherence with the index: every change of a block's entries is recorded by {@link Index}
 * and invalidated here right after its transaction commits, after the commit counter (the
 * epoch) moved. A reader inserts a value it read from a snapshot taken at epoch E only if the
 * epoch is still E, atomically with the insert (both under the run's lock, as is the
 * invalidation, so an invalidation cannot slip between the check and the store). An insert
 * that beats a commit's epoch move is removed by that commit's invalidation; until then the
 * newer version it hides is still in the memtable, which readers consult first and which keeps
 * it until after the invalidation. The map is split in 64 shards; a full shard is emptied on
 * its own (cheap, and the rest stays cached).
 */
final class LocationCache {
    static final int RUN_SHIFT = 4;
    static final int RUN = 1 << RUN_SHIFT;
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);
    /** Words per slot: the block version (seq), (segment, length, zero, present), (offset, crc). */
    private static final int SLOT_WORDS = 3;
    private static final long PRESENT = 1;
    private static final long ZERO = 2;

    /** Shards, each emptied on its own when full: eviction drops 1/64 of the cache at a time. */
    private static final int SHARD_BITS = 6;
    private static final int SHARDS = 1 << SHARD_BITS;
    private final int capacity;
    private final int blocksPerShard;
    private final int runsPerShard;
    private final ConcurrentHashMap<LineageKey, long[]>[] shards;
    /** Filled slots per shard, approximate (a clear races with concurrent stores): bounds memory. */
    private final AtomicInteger[] filled;

    /**
     * {@code capacity} is in blocks. A run takes about 470 bytes (its 16 slots, the map node
     * and the key) however many of its slots are filled, so a shard also holds at most
     * capacity / 4 / 64 runs: reads scattered one block per run then keep at most capacity / 4
     * blocks, in about 120 bytes per block of capacity (60 MiB for the default 512 Ki).
     */
    @SuppressWarnings("unchecked")
    LocationCache(int capacity) {
        this.capacity = capacity;
        this.blocksPerShard = Math.max(1, capacity / SHARDS);
        this.runsPerShard = Math.max(1, capacity / 4 / SHARDS);
        this.shards = new ConcurrentHashMap[SHARDS];
        this.filled = new AtomicInteger[SHARDS];
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new ConcurrentHashMap<>(capacity > 0 ? Math.min(runsPerShard, 1 << 12) : 1);
            filled[i] = new AtomicInteger();
        }
    }

    /**
     * The shard from the top bits of a multiplicative hash: the map inside the shard picks its
     * bucket from the low bits of the plain hash, and if both used the same bits every key of a
     * shard would crowd into 1/64 of its buckets.
     */
    private static int shardOf(LineageKey k) {
        return (k.hashCode() * 0x9E3779B9) >>> (32 - SHARD_BITS);
    }

    /** The map's key: the run of {@link #RUN} blocks that holds {@code block}. */
    private static LineageKey run(long lineage, long block) {
        return new LineageKey(lineage, block >>> RUN_SHIFT);
    }

    /** Index of the first word of {@code block}'s slot in its run's array. */
    private static int slot(long block) {
        return 1 + (int) (block & (RUN - 1)) * SLOT_WORDS;
    }

    private static long[] newRun() {
        return new long[1 + RUN * SLOT_WORDS];
    }

    /** Whether {@code loc} fits the packing: segment ids below 2^48, offsets below 4 GiB, lengths below 16 KiB. */
    static boolean packable(Loc loc) {
        return loc.segment() >>> 48 == 0 && loc.offset() >>> 32 == 0 && loc.length() >>> 14 == 0;
    }

    /** Second word of a slot; 0 is an empty slot. */
    static long pack(Loc loc) {
        return loc.segment() << 16 | (long) loc.length() << 2 | (loc.zero() ? ZERO : 0) | PRESENT;
    }

    /** Third word of a slot. */
    static long packOffsetCrc(Loc loc) {
        return loc.offset() << 32 | (loc.crc() & 0xffffffffL);
    }

    static Loc unpack(long seq, long meta, long offsetCrc) {
        return new Loc(seq, meta >>> 16, offsetCrc >>> 32, (int) (meta >>> 2) & 0x3fff, (int) offsetCrc,
                (meta & ZERO) != 0);
    }

    /** Stores a slot (0, 0, 0 empties it). Caller holds the map's lock for the run. */
    private static void store(long[] run, int at, long seq, long meta, long offsetCrc) {
        long v = run[0];
        WORD.setOpaque(run, 0, v + 1);
        VarHandle.storeStoreFence();
        WORD.setOpaque(run, at, seq);
        WORD.setOpaque(run, at + 1, meta);
        WORD.setOpaque(run, at + 2, offsetCrc);
        WORD.setRelease(run, 0, v + 2);
    }

    boolean enabled() {
        return capacity > 0;
    }

    Loc get(long lineage, long block) {
        if (capacity <= 0) {
            return null;
        }
        LineageKey k = run(lineage, block);
        long[] run = shards[shardOf(k)].get(k);
        if (run == null) {
            return null;
        }
        int at = slot(block);
        long v = (long) WORD.getAcquire(run, 0);
        long seq = (long) WORD.getOpaque(run, at);
        long meta = (long) WORD.getOpaque(run, at + 1);
        long offsetCrc = (long) WORD.getOpaque(run, at + 2);
        VarHandle.loadLoadFence();
        if ((v & 1) != 0 || (long) WORD.getOpaque(run, 0) != v || meta == 0) {
            return null; // a store to the run was under way (or the slot is empty): read the index
        }
        return unpack(seq, meta, offsetCrc);
    }

    /** Caches {@code loc}, read from a snapshot that holds every commit up to {@code epoch}. */
    void put(long lineage, long block, Loc loc, long epoch, Index index) {
        if (capacity <= 0 || !packable(loc)) {
            return;
        }
        LineageKey k = run(lineage, block);
        int shard = shardOf(k);
        ConcurrentHashMap<LineageKey, long[]> m = shards[shard];
        AtomicInteger used = filled[shard];
        if (used.get() >= blocksPerShard || (m.size() >= runsPerShard && !m.containsKey(k))) {
            m.clear();
            used.set(0);
        }
        // Checked and stored in one step: a value from an overtaken snapshot is never
        // visible, not even for an instant (a partial-block write merges with what it reads).
        m.compute(k, (kk, run) -> {
            if (index.epoch() != epoch) {
                return run;
            }
            long[] r = run != null ? run : newRun();
            int at = slot(block);
            if (r[at + 1] == 0) {
                used.incrementAndGet();
            }
            store(r, at, loc.seq(), pack(loc), packOffsetCrc(loc));
            return r;
        });
    }

    /** Drops the cached version of block {@code k.n()} of lineage {@code k.lineage()}. */
    void invalidate(LineageKey k) {
        LineageKey r = run(k.lineage(), k.n());
        int shard = shardOf(r);
        shards[shard].computeIfPresent(r, (kk, run) -> {
            int at = slot(k.n());
            if (run[at + 1] != 0) {
                store(run, at, 0, 0, 0);
                filled[shard].decrementAndGet();
            }
            return run;
        });
    }
}
