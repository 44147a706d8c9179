package io.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Volume#tryWrite}: the append an event loop does itself. It either appends at once or
 * returns null having appended nothing, and what it appends is a write like any other.
 */
@Timeout(120)
class TryWriteTest {
    private static final int BS = 4096;

    @TempDir
    Path dir;

    private BlockEngine engine;
    private Volume v;

    private EngineConfig cfg() {
        // No checkpoint and no cleaning during a test: only the writes under test touch the log.
        return EngineConfig.defaults().segmentBytes(2 << 20).reserveBytes(0).backgroundCleaner(false)
                .checkpointInterval(Duration.ofMinutes(10));
    }

    private void open(EngineConfig cfg) throws IOException {
        engine = BlockEngine.open(dir, cfg);
        if (engine.listVolumes().isEmpty()) {
            engine.createVolume(new VolumeSpec("v", 1024L * BS, false));
        }
        v = engine.volume("v");
    }

    @AfterEach
    void close() {
        WriteBatch.wakeDeferred(); // a deferral a failed test left open must not hang the next one
        if (engine != null) {
            engine.close();
        }
    }

    private static byte[] block(int seed, int blocks) {
        byte[] b = new byte[blocks * BS];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * tryWrite where nothing should stand in the way, retried for a while: right after a sync
     * the syncer may still hold the log's lock for a moment (the test is not about that).
     */
    private CompletableFuture<Void> appended(long off, byte[] data, boolean fua) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            CompletableFuture<Void> f = v.tryWrite(off, ByteBuffer.wrap(data), fua);
            if (f != null || System.nanoTime() > deadline) {
                assertNotNull(f, "tryWrite kept declining");
                return f;
            }
            Thread.sleep(1);
        }
    }

    private byte[] read(long off, int blocks) {
        ByteBuffer dst = ByteBuffer.allocate(blocks * BS);
        v.read(off, dst);
        return dst.array();
    }

    @Test
    void wholeBlocksAreAppendedAtOnceAndSurviveAReopen() throws Exception {
        open(cfg());
        byte[] d = block(1, 4);
        CompletableFuture<Void> done = v.tryWrite(8L * BS, ByteBuffer.wrap(d), true);
        assertNotNull(done, "nothing stood in the way");
        assertArrayEquals(d, read(8L * BS, 4), "visible to reads on return");
        done.get(30, TimeUnit.SECONDS); // durable: the syncer was woken for it
        CompletableFuture<Void> cached = appended(0, block(2, 1), false);
        assertTrue(cached.isDone(), "a write without FUA is done on return");
        engine.close();
        open(cfg());
        assertArrayEquals(d, read(8L * BS, 4));
        assertArrayEquals(block(2, 1), read(0, 1));
    }

    @Test
    void theSegmentAReopenResumesIsReadInSoTryWriteAppendsToIt() throws Exception {
        resumedSegmentIsReadIn(cfg());
    }

    @Test
    void anUnmappedResumedSegmentIsReadInThroughItsChannel() throws Exception {
        resumedSegmentIsReadIn(cfg().preallocateSegments(false)); // no mapping: warm() reads the file
    }

    private void resumedSegmentIsReadIn(EngineConfig cfg) throws Exception {
        open(cfg);
        v.write(0, ByteBuffer.wrap(block(40, 1)), true).join();
        long segment = engine.log().currentSegmentId();
        engine.close();
        open(cfg); // the log resumes in the same segment, whose pages this process never wrote
        assertEquals(segment, engine.log().currentSegmentId(), "resumed in the same segment");
        CompletableFuture<Void> f = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (f == null && System.nanoTime() < deadline) { // until the warmer has read it in
            f = v.tryWrite(BS, ByteBuffer.wrap(block(41, 1)), false);
            if (f == null) {
                Thread.sleep(5);
            }
        }
        assertNotNull(f, "the resumed segment was read into memory in the background");
        assertArrayEquals(block(40, 1), read(0, 1));
        assertArrayEquals(block(41, 1), read(BS, 1));
    }

    @Test
    void whatWouldMergeWithStoredDataIsLeftAlone() throws IOException {
        open(cfg());
        SegmentLog.Position before = engine.log().position();
        assertNull(v.tryWrite(512, ByteBuffer.wrap(new byte[BS]), true), "not 4 KiB aligned");
        assertNull(v.tryWrite(0, ByteBuffer.wrap(new byte[512]), true), "part of a block");
        assertNull(v.tryWrite(0, ByteBuffer.wrap(new byte[(RecordFormat.MAX_BLOCKS_PER_RECORD + 1) * BS]), false),
                "more than one record");
        assertNull(v.tryWrite(0, ByteBuffer.allocate(0), true), "empty");
        assertEquals(before, engine.log().position(), "nothing appended");
        assertThrows(EngineException.class, () -> v.tryWrite(1024L * BS, ByteBuffer.wrap(new byte[BS]), false),
                "out of range is an error, as for write");
    }

    @Test
    void anotherWriterOfTheVolumeHoldingItsLockMeansNull() throws Exception {
        open(cfg());
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            v.rec.lock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                v.rec.lock.unlock();
            }
        });
        other.start();
        try {
            assertTrue(held.await(10, TimeUnit.SECONDS));
            SegmentLog.Position before = engine.log().position();
            assertNull(v.tryWrite(0, ByteBuffer.wrap(block(3, 1)), false), "the volume's lock is taken");
            assertEquals(before, engine.log().position());
        } finally {
            release.countDown();
            other.join();
        }
        appended(0, block(3, 1), false); // free again
        assertArrayEquals(block(3, 1), read(0, 1));
    }

    @Test
    void backPressureMeansNullAndAPlainWriteThenCheckpoints() throws IOException {
        open(cfg().maxPendingEntries(4));
        for (int i = 0; i < 5; i++) {
            assertNotNull(v.tryWrite((long) i * BS, ByteBuffer.wrap(block(10 + i, 1)), false));
        }
        assertEquals(5, engine.log().pendingEntries());
        SegmentLog.Position before = engine.log().position();
        assertNull(v.tryWrite(5L * BS, ByteBuffer.wrap(block(15, 1)), false), "above the bound: a checkpoint would run here");
        assertEquals(before, engine.log().position());
        v.write(5L * BS, ByteBuffer.wrap(block(15, 1)), false).join(); // runs the checkpoint on this thread
        assertTrue(engine.log().pendingEntries() <= 1, "the writer's checkpoint drained the pending index");
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(block(10 + i, 1), read((long) i * BS, 1));
        }
    }

    @Test
    void aRecordThatNeedsANewSegmentMeansNullAndAPlainWriteRolls() throws IOException {
        open(cfg());
        long segment = engine.log().currentSegmentId();
        byte[] chunk = block(20, 64); // 256 KiB a record
        int written = 0;
        // Fill the 2 MiB segment with tryWrite until one no longer fits.
        while (true) {
            CompletableFuture<Void> f = v.tryWrite((long) (written % 4) * 64 * BS, ByteBuffer.wrap(chunk), false);
            if (f == null) {
                break;
            }
            written++;
            assertTrue(written < 16, "a 2 MiB segment holds fewer than 16 records of 256 KiB");
        }
        assertTrue(written >= 6, "records were appended until the segment was full: " + written);
        assertEquals(segment, engine.log().currentSegmentId(), "tryWrite never rolls");
        SegmentLog.Position before = engine.log().position();
        assertNull(v.tryWrite(0, ByteBuffer.wrap(chunk), false), "still no room");
        assertEquals(before, engine.log().position());
        byte[] last = block(21, 64);
        v.write(0, ByteBuffer.wrap(last), false).join();
        assertEquals(segment + 1, engine.log().currentSegmentId(), "a plain write rolls");
        assertArrayEquals(last, read(0, 64));
    }

    @Test
    void aDeferralOnTheThreadHoldsTheSyncUntilItsEnd() throws Exception {
        open(cfg());
        v.write(0, ByteBuffer.wrap(block(30, 1)), true).join();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!engine.log().syncerParked() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(engine.log().syncerParked(), "the log is quiet");
        Set<Thread> forcedBy = ConcurrentHashMap.newKeySet();
        engine.log().forcer = s -> {
            forcedBy.add(Thread.currentThread());
            s.channel.force(false);
        };
        long syncsBefore = engine.log().syncCount.get();
        assertTrue(WriteBatch.deferOnThisThread());
        CompletableFuture<Void> a;
        CompletableFuture<Void> b;
        try {
            assertFalse(WriteBatch.deferOnThisThread(), "already open");
            a = v.tryWrite(BS, ByteBuffer.wrap(block(31, 1)), true);
            b = v.tryWrite(2L * BS, ByteBuffer.wrap(block(32, 1)), true);
            // Nobody woke the syncer: the writes wait (no checkpoint runs during the test).
            assertTrue(engine.log().syncerParked(), "the syncer was not woken");
            assertFalse(a.isDone() || b.isDone());
            assertTrue(forcedBy.isEmpty());
        } finally {
            WriteBatch.wakeDeferred();
        }
        CompletableFuture.allOf(a, b).get(30, TimeUnit.SECONDS);
        assertEquals(1, forcedBy.size(), "forced by the syncer alone: " + forcedBy);
        assertEquals("basalt-log-syncer", forcedBy.iterator().next().getName());
        assertEquals(1, engine.log().syncCount.get() - syncsBefore, "one fdatasync for both");
        assertTrue(WriteBatch.deferOnThisThread(), "the deferral ended: a new one opens");
        WriteBatch.wakeDeferred();
    }
}
