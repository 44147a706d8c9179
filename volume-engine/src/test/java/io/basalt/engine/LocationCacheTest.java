package io.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The location cache's packed slots, over a real LMDB index (whose commit counter it checks). */
class LocationCacheTest {
    @TempDir
    Path dir;
    private Index index;
    private LocationCache cache;

    @BeforeEach
    void open() {
        index = new Index(dir, 64L << 20, 1 << 16);
        cache = new LocationCache(1 << 16);
    }

    @AfterEach
    void close() {
        index.close();
    }

    @Test
    void everyFieldSurvivesThePacking() {
        List<Loc> locs = List.of(
                new Loc(Long.MAX_VALUE, (1L << 48) - 1, (1L << 32) - 1, Blocks.BLOCK_SIZE, -1, false),
                new Loc(1, 0, 0, 1, 0, false),
                new Loc(77, 12345, 4160, 1234, 0x7fffffff, false), // compressed
                new Loc(99, 3, 8192, Blocks.BLOCK_SIZE, Integer.MIN_VALUE, false),
                Loc.tombstone(5));
        for (int i = 0; i < locs.size(); i++) {
            cache.put(7, 100 + i, locs.get(i), index.epoch(), index);
        }
        for (int i = 0; i < locs.size(); i++) {
            assertEquals(locs.get(i), cache.get(7, 100 + i));
        }
        assertNull(cache.get(7, 99), "a slot never stored is empty");
        assertNull(cache.get(8, 100), "another lineage's run is another entry");
    }

    @Test
    void aLocationTheSlotsCannotHoldIsNotCached() {
        cache.put(1, 0, new Loc(1, 1L << 48, 0, Blocks.BLOCK_SIZE, 0, false), index.epoch(), index);
        cache.put(1, 1, new Loc(1, 2, 1L << 32, Blocks.BLOCK_SIZE, 0, false), index.epoch(), index);
        assertNull(cache.get(1, 0));
        assertNull(cache.get(1, 1));
    }

    @Test
    void invalidationEmptiesOnlyItsSlot() {
        Loc a = new Loc(1, 2, 4096, Blocks.BLOCK_SIZE, 11, false);
        Loc b = new Loc(2, 2, 8192, Blocks.BLOCK_SIZE, 12, false);
        cache.put(3, 64, a, index.epoch(), index);
        cache.put(3, 65, b, index.epoch(), index);
        cache.invalidate(new LineageKey(3, 64));
        assertNull(cache.get(3, 64));
        assertEquals(b, cache.get(3, 65));
    }

    @Test
    void aValueFromAnOvertakenSnapshotIsNotStored() {
        cache.put(3, 1, new Loc(1, 2, 4096, Blocks.BLOCK_SIZE, 11, false), index.epoch() - 1, index);
        assertNull(cache.get(3, 1));
    }

    /** Readers racing a writer of the same slot see one whole location or the other, never a mix. */
    @Test
    void readersNeverSeeAHalfWrittenSlot() throws Exception {
        Loc a = new Loc(1, 1, 4096, Blocks.BLOCK_SIZE, 0x11111111, false);
        Loc b = new Loc(2L << 40, (1L << 40) + 5, (1L << 31) + 8192, 2000, 0x22222222, false);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Loc> torn = new AtomicReference<>();
        AtomicLong hits = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread r = new Thread(() -> {
                while (!stop.get()) {
                    Loc got = cache.get(9, 33);
                    if (got != null) {
                        hits.incrementAndGet();
                        if (!got.equals(a) && !got.equals(b)) {
                            torn.compareAndSet(null, got);
                        }
                    }
                }
            });
            r.start();
            readers.add(r);
        }
        for (int i = 0; i < 2_000_000 && torn.get() == null; i++) {
            cache.put(9, 33, (i & 1) == 0 ? a : b, index.epoch(), index);
            if (i % 3 == 0) {
                cache.invalidate(new LineageKey(9, 33));
            }
        }
        stop.set(true);
        for (Thread r : readers) {
            r.join();
        }
        assertNull(torn.get(), "a reader saw a mix of two locations");
        assertTrue(hits.get() > 0, "the readers found the slot filled");
    }
}
