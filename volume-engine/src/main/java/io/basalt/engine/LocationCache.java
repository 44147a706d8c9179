package io.basalt.engine;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded cache of index lookups: (lineage, block) to the newest version of the block in that
 * lineage, as LMDB holds it. A random read that hits it skips the LMDB transaction and B-tree
 * search, which otherwise cost more than the rest of the read.
 *
 * <p>Coherence with the index: every change of a block's entries is recorded by {@link Index}
 * and invalidated here right after its transaction commits, after the commit counter (the
 * epoch) moved. A reader inserts a value it read from a snapshot taken at epoch E only if the
 * epoch is still E, atomically with the insert. An insert that beats a commit's epoch move is
 * removed by that commit's invalidation; until then the newer version it hides is still in the
 * memtable, which readers consult first and which keeps it until after the invalidation. It is
 * split in 64 shards; a full shard is emptied on its own (cheap, and the rest stays cached).
 */
final class LocationCache {
    record Key(long lineage, long block) {
    }

    /** Shards, each emptied on its own when full: eviction drops 1/64 of the cache at a time. */
    private static final int SHARDS = 64;
    private final int capacity;
    private final int perShard;
    private final ConcurrentHashMap<Key, Loc>[] shards;

    @SuppressWarnings("unchecked")
    LocationCache(int capacity) {
        this.capacity = capacity;
        this.perShard = Math.max(1, capacity / SHARDS);
        this.shards = new ConcurrentHashMap[SHARDS];
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new ConcurrentHashMap<>(capacity > 0 ? Math.min(perShard, 1 << 12) : 1);
        }
    }

    private ConcurrentHashMap<Key, Loc> shard(Key k) {
        int h = k.hashCode();
        return shards[(h ^ (h >>> 16)) & (SHARDS - 1)];
    }

    boolean enabled() {
        return capacity > 0;
    }

    Loc get(long lineage, long block) {
        if (capacity <= 0) {
            return null;
        }
        Key k = new Key(lineage, block);
        return shard(k).get(k);
    }

    /** Caches {@code loc}, read from a snapshot that holds every commit up to {@code epoch}. */
    void put(long lineage, long block, Loc loc, long epoch, Index index) {
        if (capacity <= 0) {
            return;
        }
        Key k = new Key(lineage, block);
        ConcurrentHashMap<Key, Loc> m = shard(k);
        if (m.size() >= perShard) {
            m.clear();
        }
        // Checked and inserted in one step: a value from an overtaken snapshot is never
        // visible, not even for an instant (a partial-block write merges with what it reads).
        m.compute(k, (kk, old) -> index.epoch() == epoch ? loc : old);
    }

    void invalidate(Key k) {
        shard(k).remove(k);
    }
}
