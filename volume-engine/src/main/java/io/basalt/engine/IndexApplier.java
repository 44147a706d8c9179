package io.basalt.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.lmdbjava.Cursor;
import org.lmdbjava.Txn;

/**
 * Folds log records into the index, and drops versions no view needs any more. Used by the
 * checkpointer, by recovery (the same code path replays the log tail) and by reclaim after a
 * snapshot delete, a revert or a volume delete. Caller holds the index writer lock.
 */
final class IndexApplier {
    private final Index index;
    private final Catalog catalog;

    IndexApplier(Index index, Catalog catalog) {
        this.index = index;
        this.catalog = catalog;
    }

    void apply(Txn<ByteBuffer> txn, PendingRecord r) {
        try (Cursor<ByteBuffer> c = index.blockCursor(txn)) {
            apply(txn, c, r);
        }
    }

    /**
     * Applies records in order through one cursor: opening and closing one per record (two
     * native calls and their buffers) was 14% of the checkpointer's CPU under 4 KiB writes,
     * one record per block. Every operation positions the cursor itself, and LMDB keeps a
     * write transaction's cursors valid across its other changes.
     */
    void applyAll(Txn<ByteBuffer> txn, List<PendingRecord> records) {
        try (Cursor<ByteBuffer> c = index.blockCursor(txn)) {
            for (PendingRecord r : records) {
                apply(txn, c, r);
            }
        }
    }

    private void apply(Txn<ByteBuffer> txn, Cursor<ByteBuffer> c, PendingRecord r) {
        Catalog.LineageRec lin = catalog.lineages.get(r.lineage());
        if (lin == null) {
            return; // the lineage was deleted after this record was written
        }
        lin.lastSeq = Math.max(lin.lastSeq, r.seq());
        catalog.dirtyLineages.add(lin.id);
        if (r.type() == RecordFormat.DATA) {
            for (int i = 0; i < r.blockCount(); i++) {
                putVersion(c, lin, r.firstBlock() + i, r.loc(i));
            }
        } else {
            trim(txn, c, lin, r.firstBlock(), r.blockCount(), r.seq());
        }
    }

    /** A new version supersedes the previous one; that one goes unless a view still sees it. */
    private void putVersion(Cursor<ByteBuffer> c, Catalog.LineageRec lin, long block, Loc loc) {
        Loc prev = index.putThenOlder(c, lin.id, block, loc);
        catalog.use(lin.id, loc);
        if (prev != null && !lin.needed(prev.seq(), loc.seq())) {
            c.delete();
            catalog.free(lin.id, prev);
        }
    }

    private void dropSupersededIfUnneeded(Txn<ByteBuffer> txn, Cursor<ByteBuffer> c, Catalog.LineageRec lin, long block, long seq) {
        Loc prev = index.floor(c, lin.id, block, seq - 1);
        if (prev != null && !lin.needed(prev.seq(), seq)) {
            index.delete(txn, lin.id, block, prev.seq());
            catalog.free(lin.id, prev);
        }
    }

    /**
     * Unmap of [first, first+count) at {@code seq}. Only blocks that have versions in this
     * lineage or data in an ancestor are touched, so the cost follows what was written, not
     * the size of the range. A tombstone is written where the block would otherwise still
     * read data (older version kept for a snapshot, or the parent's data).
     */
    private void trim(Txn<ByteBuffer> txn, Cursor<ByteBuffer> c, Catalog.LineageRec lin, long first, long count, long seq) {
        TreeSet<Long> candidates = new TreeSet<>();
        long end = first + count;
        long l = lin.id;
        long bound = seq - 1;
        while (l != 0) {
            long lim = bound;
            index.scan(c, l, first, end, (b, loc) -> {
                if (loc.seq() <= lim) {
                    candidates.add(b);
                }
                return true;
            });
            Catalog.LineageRec r = catalog.lineages.get(l);
            if (r == null) {
                break;
            }
            bound = r.parentSeq;
            l = r.parent;
        }
        for (long b : candidates) {
            dropSupersededIfUnneeded(txn, c, lin, b, seq);
            Loc below = visible(c, lin.id, b, seq - 1);
            if (below != null && !below.zero()) {
                index.put(txn, lin.id, b, Loc.tombstone(seq));
            }
        }
    }

    /** The version of {@code block} a reader of view (lineage, seq) sees, or null (never written). */
    Loc visible(Cursor<ByteBuffer> c, long lineage, long block, long seq) {
        long l = lineage;
        long v = seq;
        while (l != 0) {
            Loc e = index.floor(c, l, block, v);
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
     * Drops the versions of {@code lineage} in blocks [from, to) that no view sees any more.
     * If the lineage has neither head nor views, drops all of it. Returns the next block to
     * continue from, or -1 when the lineage is done.
     */
    long reclaim(Txn<ByteBuffer> txn, Catalog.LineageRec lin, long from, long maxEntries) {
        record Entry(long block, Loc loc) {
        }
        List<Entry> drop = new ArrayList<>();
        long[] next = {-1};
        long[] seen = {0};
        boolean whole = !lin.referenced();
        try (Cursor<ByteBuffer> c = index.blockCursor(txn)) {
            long[] cur = {-1, Long.MAX_VALUE}; // block, seq of the newer version of that block
            index.scan(c, lin.id, from, Long.MAX_VALUE, (b, loc) -> {
                if (b != cur[0]) {
                    if (seen[0] >= maxEntries) {
                        next[0] = b;
                        return false;
                    }
                    cur[0] = b;
                    cur[1] = Long.MAX_VALUE;
                }
                seen[0]++;
                boolean live = !whole && ((cur[1] == Long.MAX_VALUE && lin.headVolume != 0) || lin.needed(loc.seq(), cur[1]));
                if (!live) {
                    drop.add(new Entry(b, loc));
                }
                cur[1] = loc.seq();
                return true;
            });
        }
        for (Entry e : drop) {
            index.delete(txn, lin.id, e.block, e.loc.seq());
            catalog.free(lin.id, e.loc);
        }
        return next[0];
    }
}
