package io.basalt.engine;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Newest not-yet-indexed version of each block written since the last checkpoint, so reads
 * see acknowledged writes before the LMDB index does. Entries are inserted under the log's
 * append lock (before the checkpointer can see their record) and removed by the checkpointer
 * after its index transaction commits, only if no newer write replaced them.
 */
final class Memtable {
    private final ConcurrentHashMap<LineageKey, Loc> map = new ConcurrentHashMap<>();
    /**
     * Keys present, counted exactly: a key is counted before its put returns (so before the
     * write is acknowledged) and uncounted only after its removal. {@code map.isEmpty()} is no
     * substitute: it sums striped counters one by one and can read 0 while an entry is in.
     */
    private final AtomicLong keys = new AtomicLong();

    void put(long lineage, long block, Loc loc) {
        if (map.put(new LineageKey(lineage, block), loc) == null) {
            keys.incrementAndGet();
        }
    }

    Loc get(long lineage, long block) {
        // Between checkpoints under a read load the memtable is empty: skip the hash lookup
        // (its table miss costs a read about as much as the checksum does).
        return keys.get() == 0 ? null : map.get(new LineageKey(lineage, block));
    }

    void removeIfSame(long lineage, long block, Loc loc) {
        if (map.remove(new LineageKey(lineage, block), loc)) {
            keys.decrementAndGet();
        }
    }

    int size() {
        return map.size();
    }
}
