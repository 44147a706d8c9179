package io.basalt.engine;

/**
 * A DATA or TRIM record appended to the log but not yet folded into the LMDB index. The
 * checkpointer applies these in log order; until then reads find DATA blocks in the
 * {@link Memtable}.
 */
record PendingRecord(byte type, long lineage, long firstBlock, int blockCount, long seq,
                     long segment, long[] offsets, int[] lens, int[] crcs) {

    static PendingRecord data(long lineage, long firstBlock, int count, long seq, long segment,
                              long payloadOffset, int[] lens, int[] crcs) {
        long[] offs = new long[count];
        long o = payloadOffset;
        for (int i = 0; i < count; i++) {
            offs[i] = o;
            o += lens[i];
        }
        return new PendingRecord(RecordFormat.DATA, lineage, firstBlock, count, seq, segment, offs, lens, crcs);
    }

    static PendingRecord trim(long lineage, long firstBlock, long count, long seq) {
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("trim record of " + count + " blocks");
        }
        return new PendingRecord(RecordFormat.TRIM, lineage, firstBlock, (int) count, seq, 0, null, null, null);
    }

    static PendingRecord of(LogRecord r) {
        return r.type() == RecordFormat.TRIM
                ? trim(r.lineage(), r.firstBlock(), r.blockCount(), r.seq())
                : data(r.lineage(), r.firstBlock(), r.blockCount(), r.seq(), r.segmentId(), r.payloadOffset(), r.lens(), r.crcs());
    }

    Loc loc(int i) {
        return new Loc(seq, segment, offsets[i], lens[i], crcs[i], false);
    }

    /** The log position just past a DATA record: its payloads are its last bytes. */
    SegmentLog.Position end() {
        int last = blockCount - 1;
        return new SegmentLog.Position(segment, offsets[last] + lens[last]);
    }
}
