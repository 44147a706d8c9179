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
 * slots of a run, so the 32 lookups of a sequential 128 KiB read all land on one entry, in
 * cache after the first, instead of on 32 entries spread over a large map (a few cache misses
 * each). A lookup still goes through the map every time: a slot array kept from an earlier
 * lookup could have been dropped by a shard clear and miss a later invalidation. Slots are read and written with volatile semantics; every
 * write of a slot happens under the map's lock for the run's entry. A shard is emptied when it
 * holds capacity / 64 blocks or capacity / 256 runs.
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
    static final int RUN_SHIFT = 5;
    static final int RUN = 1 << RUN_SHIFT;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Loc[].class);

    /** Shards, each emptied on its own when full: eviction drops 1/64 of the cache at a time. */
    private static final int SHARD_BITS = 6;
    private static final int SHARDS = 1 << SHARD_BITS;
    private final int capacity;
    private final int blocksPerShard;
    private final int runsPerShard;
    private final ConcurrentHashMap<LineageKey, Loc[]>[] shards;
    /** Filled slots per shard, approximate (a clear races with concurrent stores): bounds memory. */
    private final AtomicInteger[] filled;

    /**
     * {@code capacity} is in blocks. A shard also holds at most capacity / 4 / 64 runs, which
     * bounds memory when reads are scattered (one block per run) at about 100 bytes a block;
     * such reads then keep at most capacity / 4 blocks.
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

    private static int slot(long block) {
        return (int) (block & (RUN - 1));
    }

    boolean enabled() {
        return capacity > 0;
    }

    Loc get(long lineage, long block) {
        if (capacity <= 0) {
            return null;
        }
        LineageKey k = run(lineage, block);
        Loc[] slots = shards[shardOf(k)].get(k);
        return slots == null ? null : (Loc) SLOT.getVolatile(slots, slot(block));
    }

    /** Caches {@code loc}, read from a snapshot that holds every commit up to {@code epoch}. */
    void put(long lineage, long block, Loc loc, long epoch, Index index) {
        if (capacity <= 0) {
            return;
        }
        LineageKey k = run(lineage, block);
        int shard = shardOf(k);
        ConcurrentHashMap<LineageKey, Loc[]> m = shards[shard];
        AtomicInteger used = filled[shard];
        if (used.get() >= blocksPerShard || (m.size() >= runsPerShard && !m.containsKey(k))) {
            m.clear();
            used.set(0);
        }
        // Checked and stored in one step: a value from an overtaken snapshot is never
        // visible, not even for an instant (a partial-block write merges with what it reads).
        m.compute(k, (kk, slots) -> {
            if (index.epoch() != epoch) {
                return slots;
            }
            Loc[] s = slots != null ? slots : new Loc[RUN];
            if (SLOT.getAndSet(s, slot(block), loc) == null) {
                used.incrementAndGet();
            }
            return s;
        });
    }

    /** Drops the cached version of block {@code k.n()} of lineage {@code k.lineage()}. */
    void invalidate(LineageKey k) {
        LineageKey r = run(k.lineage(), k.n());
        int shard = shardOf(r);
        shards[shard].computeIfPresent(r, (kk, slots) -> {
            if (SLOT.getAndSet(slots, slot(k.n()), null) != null) {
                filled[shard].decrementAndGet();
            }
            return slots;
        });
    }
}
