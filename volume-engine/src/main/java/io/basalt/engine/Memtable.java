package io.basalt.engine;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Newest not-yet-indexed version of each block written since the last checkpoint, so reads
 * see acknowledged writes before the LMDB index does. Entries are inserted under the log's
 * append lock (before the checkpointer can see their record) and removed by the checkpointer
 * after its index transaction commits, only if no newer write replaced them.
 */
final class Memtable {
    record Key(long lineage, long block) {
    }

    private final ConcurrentHashMap<Key, Loc> map = new ConcurrentHashMap<>();

    void put(long lineage, long block, Loc loc) {
        map.put(new Key(lineage, block), loc);
    }

    Loc get(long lineage, long block) {
        // Between checkpoints under a read load the memtable is empty: skip the hash lookup
        // (its table miss costs a read about as much as the checksum does).
        return map.isEmpty() ? null : map.get(new Key(lineage, block));
    }

    void removeIfSame(long lineage, long block, Loc loc) {
        map.remove(new Key(lineage, block), loc);
    }

    int size() {
        return map.size();
    }
}
