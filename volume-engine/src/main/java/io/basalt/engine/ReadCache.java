package io.basalt.engine;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded LRU cache of decoded 4 KiB blocks, keyed by their physical location. Locations
 * are immutable (segments are append-only and ids never reused), so entries never need
 * invalidation: a cleaned segment's entries simply age out. Striped to keep lock hold short.
 */
final class ReadCache {
    private static final int STRIPES = 16;
    private final Stripe[] stripes;

    private record Key(long segment, long offset) {
    }

    private static final class Stripe extends LinkedHashMap<Key, byte[]> {
        private static final long serialVersionUID = 1L;
        private final int capacity;

        Stripe(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, byte[]> eldest) {
            return size() > capacity;
        }
    }

    ReadCache(long bytes) {
        int perStripe = (int) Math.min(Integer.MAX_VALUE, bytes / Blocks.BLOCK_SIZE / STRIPES);
        if (perStripe <= 0) {
            stripes = null;
            return;
        }
        stripes = new Stripe[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(perStripe);
        }
    }

    private Stripe stripe(Key k) {
        return stripes[(k.hashCode() & 0x7fffffff) % STRIPES];
    }

    /** Copies a cached block's bytes [from, from+dst.remaining()) into dst; false on a miss. */
    boolean get(Loc loc, int from, ByteBuffer dst) {
        if (stripes == null) {
            return false;
        }
        Key k = new Key(loc.segment(), loc.offset());
        byte[] b;
        Stripe s = stripe(k);
        synchronized (s) {
            b = s.get(k);
        }
        if (b == null) {
            return false;
        }
        dst.put(b, from, dst.remaining());
        return true;
    }

    void put(Loc loc, byte[] block) {
        if (stripes == null) {
            return;
        }
        Key k = new Key(loc.segment(), loc.offset());
        Stripe s = stripe(k);
        synchronized (s) {
            s.put(k, block);
        }
    }
}
