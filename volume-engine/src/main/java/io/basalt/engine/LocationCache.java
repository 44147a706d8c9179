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
 * memtable, which readers consult first and which keeps it until after the invalidation. When full, the cache is emptied (cheap, and rare with a sensible size).
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
        // Checked and inserted in one step: a value from an overtaken snapshot is never
        // visible, not even for an instant (a partial-block write merges with what it reads).
        map.compute(new Key(lineage, block), (k, old) -> index.epoch() == epoch ? loc : old);
    }

    void invalidate(Key k) {
        map.remove(k);
    }

    int size() {
        return map.size();
    }
}
