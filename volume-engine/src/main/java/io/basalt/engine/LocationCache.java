package io.basalt.engine;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded cache of index lookups: (lineage, block) to the newest version of the block in that
 * lineage, as LMDB holds it. A random read that hits it skips the LMDB transaction and B-tree
 * search, which otherwise cost more than the rest of the read.
 *
 * <p>Coherence with the index: every change of a block's entries is recorded by {@link Index}
 * and invalidated here right after its transaction commits, after the commit counter (the
 * epoch) moved. A reader inserts a value it read from a snapshot taken at epoch E, then checks
 * the epoch again and takes its insert back if it moved: either the check sees the move, or
 * the commit's invalidation comes after the insert and removes it. Newer versions not yet in
 * the index are in the memtable, which readers consult first and which keeps them until after
 * the invalidation. When full, the cache is emptied (cheap, and rare with a sensible size).
 */
final class LocationCache {
    record Key(long lineage, long block) {
    }

    private final int capacity;
    private final ConcurrentHashMap<Key, Loc> map;

    LocationCache(int capacity) {
        this.capacity = capacity;
        this.map = new ConcurrentHashMap<>(capacity > 0 ? Math.min(capacity, 1 << 16) : 1);
    }

    boolean enabled() {
        return capacity > 0;
    }

    Loc get(long lineage, long block) {
        return capacity > 0 ? map.get(new Key(lineage, block)) : null;
    }

    /** Caches {@code loc}, read from a snapshot that holds every commit up to {@code epoch}. */
    void put(long lineage, long block, Loc loc, long epoch, Index index) {
        if (capacity <= 0) {
            return;
        }
        if (map.size() >= capacity) {
            map.clear();
        }
        Key k = new Key(lineage, block);
        map.put(k, loc);
        if (index.epoch() != epoch) {
            map.remove(k, loc);
        }
    }

    void invalidate(Key k) {
        map.remove(k);
    }

    int size() {
        return map.size();
    }
}
