package io.basalt.engine;

import static java.nio.ByteOrder.BIG_ENDIAN;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

/**
 * The LMDB index. Two databases:
 * <ul>
 *   <li>{@code blocks}: key (lineage, block, MAX-seq) big-endian, so that for one block the newest
 *       version sorts first and "newest version at or below seq S" is one SET_RANGE seek;
 *       value: {@link Loc} (segment, offset, length, CRC32C, tombstone flag).</li>
 *   <li>{@code catalog}: volumes, lineages, snapshots, segment usage and the recovery
 *       checkpoint, as small records under string keys ({@link Catalog}).</li>
 * </ul>
 * Threading: read transactions may be used from any thread (MDB_NOTLS); there is one writer
 * at a time, serialised by the caller.
 */
final class Index implements Closeable {
    static final int KEY_BYTES = 24;
    /** The seq used to read the newest version ("head"). */
    static final long HEAD = Long.MAX_VALUE - 1;

    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> blocks;
    private final Dbi<ByteBuffer> catalog;
    private final ThreadLocal<ByteBuffer> keyBuf = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(KEY_BYTES).order(BIG_ENDIAN));
    private final ThreadLocal<ByteBuffer> valBuf = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(Loc.VALUE_BYTES).order(BIG_ENDIAN));

    Index(Path dir, long mapBytes, int cachedLocations) {
        this.locations = new LocationCache(cachedLocations);
        this.env = Env.create().setMapSize(mapBytes).setMaxDbs(4).setMaxReaders(1024)
                .open(dir.toFile(), EnvFlags.MDB_NOTLS, EnvFlags.MDB_NORDAHEAD);
        this.blocks = env.openDbi("blocks", DbiFlags.MDB_CREATE);
        this.catalog = env.openDbi("catalog", DbiFlags.MDB_CREATE);
    }

    /**
     * A read transaction and block cursor kept per thread and renewed at the first lookup of
     * each use (a read served from the caches renews nothing): opening and closing them per
     * read costs more than the lookup itself. Close it to reset.
     */
    final class Reader implements AutoCloseable {
        private Txn<ByteBuffer> txn;
        private Cursor<ByteBuffer> cursor;
        private boolean active;
        /** Whether the transaction was renewed for this use (it is only when a lookup needs it). */
        private boolean renewed;
        /** {@link #epoch} read just before the renewal: the snapshot holds every commit up to it. */
        private long epochAtRenew;
        /** Off for a retried read: whatever made it retry, LMDB itself answers. */
        boolean useCache = true;
        /** The cursor is at the first key at or after the previous lookup's target, or past the end. */
        private boolean positioned;
        private boolean atEnd;
        private long lastLineage;
        private long lastBlock;

        private void renew() {
            if (renewed) {
                return;
            }
            epochAtRenew = epoch;
            if (txn == null) {
                txn = env.txnRead();
            } else {
                txn.renew();
            }
            renewed = true; // from here close() must reset it, even if the cursor fails
            if (cursor == null) {
                cursor = blocks.openCursor(txn);
            } else {
                cursor.renew(txn);
            }
        }

        /**
         * The newest version of (lineage, block) in that lineage alone, through the location
         * cache: only the head of a lineage is cached, and only values read from a snapshot no
         * commit has changed since (see {@link LocationCache}).
         */
        Loc head(long lineage, long block) {
            if (!useCache) {
                return floor(lineage, block, HEAD);
            }
            Loc cached = locations.get(lineage, block);
            if (cached != null) {
                return cached;
            }
            Loc found = floor(lineage, block, HEAD);
            if (found != null) {
                locations.put(lineage, block, found, epochAtRenew, Index.this);
            }
            return found;
        }

        /**
         * {@link Index#floor} through this reader's cursor. For the block right after the
         * previous lookup in the same lineage (a sequential read) it steps forward a few
         * entries instead of seeking from the root: the cursor already sits at the first key
         * at or after the previous target, so every key between it and the new target is met.
         */
        Loc floor(long lineage, long block, long maxSeq) {
            renew();
            long inv = Long.MAX_VALUE - maxSeq;
            boolean sequential = positioned && lineage == lastLineage && block == lastBlock + 1;
            positioned = true;
            lastLineage = lineage;
            lastBlock = block;
            if (sequential) {
                if (atEnd) {
                    return null;
                }
                for (int step = 0; step < SEQUENTIAL_STEPS; step++) {
                    ByteBuffer k = cursor.key().order(BIG_ENDIAN);
                    if (compare(k.getLong(0), k.getLong(8), k.getLong(16), lineage, block, inv) >= 0) {
                        return match(k, lineage, block);
                    }
                    if (!cursor.next()) {
                        atEnd = true;
                        return null;
                    }
                }
            }
            atEnd = !cursor.get(key(lineage, block, maxSeq), GetOp.MDB_SET_RANGE);
            return atEnd ? null : match(cursor.key().order(BIG_ENDIAN), lineage, block);
        }

        private Loc match(ByteBuffer k, long lineage, long block) {
            if (k.getLong(0) != lineage || k.getLong(8) != block) {
                return null;
            }
            return decode(Long.MAX_VALUE - k.getLong(16), cursor.val());
        }

        @Override
        public void close() {
            active = false;
            positioned = false;
            useCache = true;
            if (renewed) {
                renewed = false;
                txn.reset();
            }
        }
    }

    /** Entries a sequential lookup steps over before it seeks instead (older versions kept for snapshots). */
    private static final int SEQUENTIAL_STEPS = 4;

    /** Key order: LMDB compares the big-endian bytes, which for these non-negative longs is numeric order. */
    private static int compare(long l1, long b1, long s1, long l2, long b2, long s2) {
        int c = Long.compare(l1, l2);
        if (c == 0) {
            c = Long.compare(b1, b2);
        }
        return c != 0 ? c : Long.compare(s1, s2);
    }

    private final ThreadLocal<Reader> readers = ThreadLocal.withInitial(Reader::new);

    /**
     * The calling thread's reader; its transaction is renewed to the newest committed state
     * at its first lookup, so a read served from the caches never touches LMDB. Not re-entrant.
     */
    Reader reader() {
        Reader r = readers.get();
        if (r.active) {
            throw new IllegalStateException("nested use of the thread's index reader");
        }
        r.active = true;
        return r;
    }

    Txn<ByteBuffer> readTxn() {
        return env.txnRead();
    }

    Txn<ByteBuffer> writeTxn() {
        return env.txnWrite();
    }

    /** Commits counted: incremented after each commit of a write transaction. */
    private volatile long epoch;
    /** (lineage, block) pairs changed by the open write transaction; writer-only. */
    private final List<LineageKey> touched = java.util.Collections.synchronizedList(new ArrayList<>());
    private final LocationCache locations;

    /**
     * Commits a write transaction, then drops the location-cache entries of every block it
     * changed. Every commit of a write transaction goes through here.
     */
    void commit(Txn<ByteBuffer> txn) {
        beforeCommit.run();
        txn.commit();
        epoch++;
        synchronized (touched) {
            for (LineageKey k : touched) {
                locations.invalidate(k);
            }
            touched.clear();
        }
    }

    /** Runs before every commit; a seam for tests that make a commit fail. */
    volatile Runnable beforeCommit = () -> { };

    long epoch() {
        return epoch;
    }

    private void touch(long lineage, long block) {
        if (locations.enabled()) {
            touched.add(new LineageKey(lineage, block));
        }
    }

    Cursor<ByteBuffer> blockCursor(Txn<ByteBuffer> txn) {
        return blocks.openCursor(txn);
    }

    Cursor<ByteBuffer> catalogCursor(Txn<ByteBuffer> txn) {
        return catalog.openCursor(txn);
    }

    private ByteBuffer key(long lineage, long block, long seq) {
        ByteBuffer k = keyBuf.get();
        k.clear();
        k.putLong(lineage).putLong(block).putLong(Long.MAX_VALUE - seq).flip();
        return k;
    }

    /** Newest version of (lineage, block) with seq <= maxSeq, or null. */
    Loc floor(Cursor<ByteBuffer> c, long lineage, long block, long maxSeq) {
        if (!c.get(key(lineage, block, maxSeq), GetOp.MDB_SET_RANGE)) {
            return null;
        }
        ByteBuffer k = c.key().order(BIG_ENDIAN);
        if (k.getLong(0) != lineage || k.getLong(8) != block) {
            return null;
        }
        return decode(Long.MAX_VALUE - k.getLong(16), c.val());
    }

    /**
     * Visits every entry of {@code lineage} with block in [from, to), in (block asc, seq desc)
     * order. The visitor gets the block number and the version; it may not modify the database.
     */
    void scan(Cursor<ByteBuffer> c, long lineage, long from, long to, EntryVisitor v) {
        if (!c.get(key(lineage, from, HEAD + 1), GetOp.MDB_SET_RANGE)) {
            return;
        }
        do {
            ByteBuffer k = c.key().order(BIG_ENDIAN);
            if (k.getLong(0) != lineage || k.getLong(8) >= to) {
                return;
            }
            if (!v.visit(k.getLong(8), decode(Long.MAX_VALUE - k.getLong(16), c.val()))) {
                return;
            }
        } while (c.next());
    }

    /** Visitor of {@link #scan}; return false to stop. */
    interface EntryVisitor {
        boolean visit(long block, Loc loc);
    }

    void put(Txn<ByteBuffer> txn, long lineage, long block, Loc loc) {
        touch(lineage, block);
        blocks.put(txn, key(lineage, block, loc.seq()), value(loc));
    }

    /** The stored value of a version (its seq is in the key); the inverse of {@link #decode}. */
    private ByteBuffer value(Loc loc) {
        ByteBuffer v = valBuf.get();
        v.clear();
        v.putLong(loc.segment()).putLong(loc.offset()).putInt(loc.length()).putInt(loc.crc())
                .put((byte) (loc.zero() ? 1 : 0)).flip();
        return v;
    }

    /**
     * Puts a version through the cursor and steps to the entry after it, which is the next
     * older version of the same block if there is one: returns that (the cursor stays on it,
     * for {@link Cursor#delete}) or null. One tree search for what would otherwise be a floor
     * lookup, a put and a delete.
     */
    Loc putThenOlder(Cursor<ByteBuffer> c, long lineage, long block, Loc loc) {
        touch(lineage, block);
        c.put(key(lineage, block, loc.seq()), value(loc));
        if (!c.next()) {
            return null;
        }
        ByteBuffer k = c.key().order(BIG_ENDIAN);
        if (k.getLong(0) != lineage || k.getLong(8) != block) {
            return null;
        }
        return decode(Long.MAX_VALUE - k.getLong(16), c.val());
    }

    boolean delete(Txn<ByteBuffer> txn, long lineage, long block, long seq) {
        touch(lineage, block);
        return blocks.delete(txn, key(lineage, block, seq));
    }

    /** The exact version (lineage, block, seq), or null. */
    Loc get(Txn<ByteBuffer> txn, long lineage, long block, long seq) {
        ByteBuffer v = blocks.get(txn, key(lineage, block, seq));
        return v == null ? null : decode(seq, v);
    }

    private static Loc decode(long seq, ByteBuffer v) {
        v.order(BIG_ENDIAN);
        return new Loc(seq, v.getLong(0), v.getLong(8), v.getInt(16), v.getInt(20), v.get(24) != 0);
    }

    // ---- catalog ----

    void putCatalog(Txn<ByteBuffer> txn, String key, byte[] value) {
        ByteBuffer k = direct(key.getBytes(StandardCharsets.UTF_8));
        catalog.put(txn, k, direct(value));
    }

    void deleteCatalog(Txn<ByteBuffer> txn, String key) {
        catalog.delete(txn, direct(key.getBytes(StandardCharsets.UTF_8)));
    }

    byte[] getCatalog(Txn<ByteBuffer> txn, String key) {
        ByteBuffer v = catalog.get(txn, direct(key.getBytes(StandardCharsets.UTF_8)));
        return v == null ? null : bytes(v);
    }

    /** Visits catalog records whose key starts with {@code prefix}. */
    void scanCatalog(Txn<ByteBuffer> txn, String prefix, java.util.function.BiConsumer<String, byte[]> v) {
        try (Cursor<ByteBuffer> c = catalog.openCursor(txn)) {
            if (!c.get(direct(prefix.getBytes(StandardCharsets.UTF_8)), GetOp.MDB_SET_RANGE)) {
                return;
            }
            do {
                String k = new String(bytes(c.key()), StandardCharsets.UTF_8);
                if (!k.startsWith(prefix)) {
                    return;
                }
                v.accept(k, bytes(c.val()));
            } while (c.next());
        }
    }

    private static ByteBuffer direct(byte[] b) {
        ByteBuffer d = ByteBuffer.allocateDirect(Math.max(1, b.length));
        d.put(b).flip();
        return d;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Override
    public void close() {
        env.close();
    }
}
