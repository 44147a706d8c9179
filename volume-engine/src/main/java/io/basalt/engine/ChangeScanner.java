package io.basalt.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.lmdbjava.Cursor;
import org.lmdbjava.Txn;

/** Whole-history scans: changed extents between views, scrub, exclusive bytes of a snapshot. */
final class ChangeScanner {
    private ChangeScanner() {
    }

    private record Step(long lineage, long bound) {
    }

    private static List<Step> chain(Catalog catalog, long lineage, long seq) {
        List<Step> chain = new ArrayList<>();
        long l = lineage;
        long v = seq;
        while (l != 0) {
            chain.add(new Step(l, v));
            Catalog.LineageRec r = catalog.lineages.get(l);
            if (r == null) {
                break;
            }
            v = r.parentSeq;
            l = r.parent;
        }
        return chain;
    }

    static List<ChangedExtent> changes(Index index, Catalog catalog, IndexApplier applier,
                                       long fromLineage, long fromSeq, long toLineage, long toSeq) {
        List<Step> chain = chain(catalog, toLineage, toSeq);
        int k = -1;
        for (int i = 0; i < chain.size(); i++) {
            if (chain.get(i).lineage == fromLineage && fromSeq <= chain.get(i).bound) {
                k = i;
                break;
            }
        }
        if (k < 0) {
            throw new EngineException(EngineException.Kind.INVALID_ARGUMENT, "the older snapshot is not in the history of the newer one");
        }
        List<ChangedExtent> out = new ArrayList<>();
        try (Txn<ByteBuffer> txn = index.readTxn(); Cursor<ByteBuffer> c = index.blockCursor(txn);
             Cursor<ByteBuffer> probe = index.blockCursor(txn)) {
            TreeSet<Long> candidates = new TreeSet<>();
            for (int i = 0; i <= k; i++) {
                Step s = chain.get(i);
                long lower = i == k ? fromSeq : -1;
                index.scan(c, s.lineage, 0, Long.MAX_VALUE, (b, loc) -> {
                    if (loc.seq() <= s.bound && loc.seq() > lower) {
                        candidates.add(b);
                    }
                    return true;
                });
            }
            long runStart = -1;
            long runEnd = -1;
            boolean runZero = false;
            for (long b : candidates) {
                Loc now = applier.visible(probe, toLineage, b, toSeq);
                Loc then = applier.visible(probe, fromLineage, b, fromSeq);
                boolean nowZero = now == null || now.zero();
                boolean thenZero = then == null || then.zero();
                if ((nowZero && thenZero) || (now != null && now.equals(then))) {
                    continue;
                }
                if (runStart >= 0 && b == runEnd && nowZero == runZero) {
                    runEnd++;
                    continue;
                }
                if (runStart >= 0) {
                    out.add(extent(runStart, runEnd, runZero));
                }
                runStart = b;
                runEnd = b + 1;
                runZero = nowZero;
            }
            if (runStart >= 0) {
                out.add(extent(runStart, runEnd, runZero));
            }
        }
        return out;
    }

    private static ChangedExtent extent(long from, long to, boolean zero) {
        return new ChangedExtent(from << Blocks.BLOCK_SHIFT, (to - from) << Blocks.BLOCK_SHIFT, zero);
    }

    static ScrubReport scrub(Index index, Catalog catalog, IndexApplier applier, BlockReader reader,
                             String name, long lineage, long sizeBytes) {
        long blocks = sizeBytes >>> Blocks.BLOCK_SHIFT;
        List<Step> chain = chain(catalog, lineage, Index.HEAD);
        TreeSet<Long> candidates = new TreeSet<>();
        List<Long> damaged = new ArrayList<>();
        long checked = 0;
        try (Txn<ByteBuffer> txn = index.readTxn(); Cursor<ByteBuffer> c = index.blockCursor(txn);
             Cursor<ByteBuffer> probe = index.blockCursor(txn)) {
            for (Step s : chain) {
                index.scan(c, s.lineage, 0, blocks, (b, loc) -> {
                    if (loc.seq() <= s.bound) {
                        candidates.add(b);
                    }
                    return true;
                });
            }
            for (long b : candidates) {
                Loc loc = applier.visible(probe, lineage, b, Index.HEAD);
                if (loc == null || loc.zero()) {
                    continue;
                }
                checked++;
                if (!reader.verifyStored(loc) && damaged.size() < 1000) {
                    damaged.add(b << Blocks.BLOCK_SHIFT);
                }
            }
        }
        return new ScrubReport(checked, damaged);
    }

    /** Stored bytes of versions that only the view at {@code seq} keeps. Caller holds the writer lock. */
    static long exclusiveBytes(Index index, Catalog.LineageRec lin, long seq, Txn<ByteBuffer> txn) {
        if (lin == null) {
            return 0;
        }
        long[] total = {0};
        long[] cur = {-1, Long.MAX_VALUE};
        try (Cursor<ByteBuffer> c = index.blockCursor(txn)) {
            index.scan(c, lin.id, 0, Long.MAX_VALUE, (b, loc) -> {
                if (b != cur[0]) {
                    cur[0] = b;
                    cur[1] = Long.MAX_VALUE;
                }
                boolean headSees = cur[1] == Long.MAX_VALUE && lin.headVolume != 0;
                Map<Long, Integer> seen = lin.views.subMap(loc.seq(), true, cur[1], false);
                if (!loc.zero() && !headSees && seen.size() == 1 && seen.containsKey(seq) && seen.get(seq) == 1) {
                    total[0] += loc.length();
                }
                cur[1] = loc.seq();
                return true;
            });
        }
        return total[0];
    }
}
