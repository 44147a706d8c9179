package io.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per crash point: each kills the engine there, reopens, and checks what survived. */
class RecoveryTest {
    private static final int BS = Blocks.BLOCK_SIZE;

    @TempDir
    Path dir;

    private EngineConfig cfg() {
        // No background checkpoints: the tests decide when the index catches up.
        return EngineConfig.defaults().segmentBytes(1152 * 1024).checkpointInterval(Duration.ofHours(1))
                .checkpointEntries(1 << 20).reserveBytes(0).backgroundCleaner(false)
                .cleanerPolicy(new CleanerPolicy(0.99, 16, 0, Duration.ofHours(1)));
    }

    private static byte[] pattern(int seed, int len) {
        byte[] b = new byte[len];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] read(BlockEngine e, String vol, long off, int len) {
        ByteBuffer dst = ByteBuffer.allocate(len);
        e.volume(vol).read(off, dst);
        return dst.array();
    }

    @Test
    void durableWriteAppendedButNotIndexedIsReplayed() throws IOException {
        BlockEngine e = BlockEngine.open(dir, cfg());
        e.createVolume(new VolumeSpec("v", 1 << 20, false));
        byte[] data = pattern(1, 3 * BS);
        e.volume("v").write(8192, ByteBuffer.wrap(data), true).join();
        e.crash();

        BlockEngine again = BlockEngine.open(dir, cfg());
        try {
            assertEquals(1, again.replayedRecordsAtOpen(), "the FUA write was only in the log");
            assertArrayEquals(data, read(again, "v", 8192, data.length));
        } finally {
            again.close();
        }
        BlockEngine third = BlockEngine.open(dir, cfg());
        try {
            assertEquals(0, third.replayedRecordsAtOpen(), "a clean close leaves nothing to replay");
            assertArrayEquals(data, read(third, "v", 8192, data.length));
        } finally {
            third.close();
        }
    }

    @Test
    void tornAppendIsDiscardedAndEarlierDurableWritesSurvive() throws IOException {
        BlockEngine e = BlockEngine.open(dir, cfg());
        e.createVolume(new VolumeSpec("v", 1 << 20, false));
        byte[] first = pattern(2, BS);
        e.volume("v").write(0, ByteBuffer.wrap(first), true).join();
        byte[] second = pattern(3, 2 * BS);
        e.volume("v").write(0, ByteBuffer.wrap(second), false).join();
        SegmentLog.Position[] pos = e.crash();
        // Mid-append: the second record is cut in the middle of its payload.
        long cut = pos[1].offset() - BS;
        zero(pos[1].segment(), cut, pos[1].offset());

        BlockEngine again = BlockEngine.open(dir, cfg());
        try {
            assertArrayEquals(first, read(again, "v", 0, BS));
            assertArrayEquals(new byte[BS], read(again, "v", BS, BS));
            // The log continues after the valid prefix and stays readable.
            again.volume("v").write(BS, ByteBuffer.wrap(first), true).join();
        } finally {
            again.close();
        }
        BlockEngine third = BlockEngine.open(dir, cfg());
        try {
            assertArrayEquals(first, read(third, "v", BS, BS));
        } finally {
            third.close();
        }
    }

    /**
     * What the iSCSI layer's WRITE ATOMIC rests on: a write that spans 256 engine blocks, from
     * the worst offset (seven 512-byte sectors into a block), is one record, so a torn tail
     * drops all of it. 2,042 sectors from there would span 257 blocks, two records, and the
     * first of them would come back.
     */
    @Test
    void aWriteSpanning256BlocksIsOneRecordThatATornTailDropsWhole() throws IOException {
        BlockEngine e = BlockEngine.open(dir, cfg());
        e.createVolume(new VolumeSpec("v", 4 << 20, false));
        long offset = 7 * 512;
        int length = 2041 * 512;
        assertEquals(256 * BS, offset + length);
        byte[] before = pattern(20, length);
        e.volume("v").write(offset, ByteBuffer.wrap(before), true).join();
        e.volume("v").write(offset, ByteBuffer.wrap(pattern(21, length)), false).join();
        SegmentLog.Position[] pos = e.crash();
        // The last 2 KiB of the log never reached the disk: the end of the write's last record.
        zero(pos[1].segment(), pos[1].offset() - 2048, pos[1].offset());

        BlockEngine again = BlockEngine.open(dir, cfg());
        try {
            assertArrayEquals(before, read(again, "v", offset, length), "none of the torn write, all of the one before it");
        } finally {
            again.close();
        }
    }

    @Test
    void staleRecordBytesPastATornTailNeverComeBack() throws IOException {
        BlockEngine e = BlockEngine.open(dir, cfg());
        e.createVolume(new VolumeSpec("v", 1 << 20, false));
        e.volume("v").write(0, ByteBuffer.wrap(pattern(4, BS)), true).join();
        long before = e.crash()[1].offset();
        // A later complete record survives while the one before it is torn (out-of-order writeback).
        BlockEngine e2 = BlockEngine.open(dir, cfg());
        e2.volume("v").write(BS, ByteBuffer.wrap(pattern(5, BS)), false).join();
        e2.volume("v").write(2 * BS, ByteBuffer.wrap(pattern(6, BS)), false).join();
        SegmentLog.Position[] pos = e2.crash();
        zero(pos[1].segment(), before + 10, before + 20); // tear the first of the two records

        BlockEngine again = BlockEngine.open(dir, cfg());
        try {
            assertArrayEquals(new byte[BS], read(again, "v", BS, BS));
            assertArrayEquals(new byte[BS], read(again, "v", 2 * BS, BS), "a record after a torn one must not be replayed");
        } finally {
            again.close();
        }
    }

    @Test
    void crashBetweenCleanerCopyAndIndexCommitLosesNothing() throws IOException {
        byte[][] data = fillAndOverwrite();
        class Boom extends RuntimeException {
            private static final long serialVersionUID = 1L;
        }
        BlockEngine e = BlockEngine.open(dir, cfg(), (i, c, l, w, cf) -> new SegmentCleaner(i, c, l, w, cf) {
            @Override
            void beforeCommit(long segmentId) {
                throw new Boom();
            }
        });
        List<Long> candidates = e.cleaner.candidates(cfg().cleanerPolicy);
        assertFalse(candidates.isEmpty());
        assertThrows(Boom.class, e::clean);
        e.crash();

        BlockEngine again = BlockEngine.open(dir, cfg());
        try {
            assertTrue(Files.exists(Segment.pathOf(dir.resolve("segments"), candidates.get(0))), "the source segment is kept");
            check(again, data);
            assertTrue(again.clean() > 0, "cleaning can run again after the interrupted pass");
            check(again, data);
        } finally {
            again.close();
        }
    }

    @Test
    void crashAfterCleanerCommitBeforeDeleteFinishesTheDelete() throws IOException {
        byte[][] data = fillAndOverwrite();
        long[] victim = {-1};
        BlockEngine e = BlockEngine.open(dir, cfg(), (i, c, l, w, cf) -> new SegmentCleaner(i, c, l, w, cf) {
            @Override
            void afterCommit(long segmentId) {
                victim[0] = segmentId;
                throw new IllegalStateException("crash after commit");
            }
        });
        assertThrows(IllegalStateException.class, e::clean);
        e.crash();
        assertTrue(Files.exists(Segment.pathOf(dir.resolve("segments"), victim[0])));

        BlockEngine again = BlockEngine.open(dir, cfg());
        try {
            assertFalse(Files.exists(Segment.pathOf(dir.resolve("segments"), victim[0])), "recovery deletes the graveyard segment");
            check(again, data);
        } finally {
            again.close();
        }
    }

    /**
     * A segment whose every block was overwritten is retired without copying and without a
     * sync; a crash before or after that commit loses nothing, and no copy is made.
     */
    @Test
    void crashWhileRetiringASegmentWithNothingLiveLosesNothing() throws IOException {
        for (boolean afterCommit : new boolean[] {false, true}) {
            BlockEngine e = BlockEngine.open(dir, cfg());
            String name = "d" + afterCommit;
            e.createVolume(new VolumeSpec(name, 128 * BS, false));
            byte[] data = null;
            for (int pass = 0; pass < 4; pass++) { // 512 KiB a pass into 1152 KiB segments
                data = pattern(pass, 128 * BS);
                e.volume(name).write(0, ByteBuffer.wrap(data), false).join();
            }
            e.close(); // checkpoints everything
            long[] victim = {-1};
            BlockEngine crashing = BlockEngine.open(dir, cfg(), (i, c, l, w, cf) -> new SegmentCleaner(i, c, l, w, cf) {
                @Override
                void beforeCommit(long segmentId) {
                    if (!afterCommit) {
                        victim[0] = segmentId;
                        throw new IllegalStateException("crash before commit");
                    }
                }

                @Override
                void afterCommit(long segmentId) {
                    if (afterCommit) {
                        victim[0] = segmentId;
                        throw new IllegalStateException("crash after commit");
                    }
                }
            });
            List<Long> dead = crashing.cleaner.dead(16);
            assertFalse(dead.isEmpty(), "the first passes' segments hold nothing live");
            assertThrows(IllegalStateException.class, () -> crashing.cleaner.clean(dead.get(0)));
            assertEquals(0, crashing.stats().bytesCleaned(), "nothing was copied");
            crashing.crash();

            BlockEngine again = BlockEngine.open(dir, cfg());
            try {
                assertArrayEquals(data, read(again, name, 0, data.length));
                assertEquals(!afterCommit, Files.exists(Segment.pathOf(dir.resolve("segments"), victim[0])),
                        "kept before the commit, gone after it");
                assertTrue(again.clean() > 0, "cleaning runs again after the interrupted retirement");
                assertArrayEquals(data, read(again, name, 0, data.length));
            } finally {
                again.close();
            }
        }
    }

    /**
     * A checkpoint whose index commit fails must leave the replay point where the index is. Its
     * batch already moved the in-memory space accounting, so the first of two writes over one
     * range looks dead; retiring those segments saves the catalog's state, and a replay point
     * saved past the failed batch would skip the second write at the next start.
     */
    @Test
    void retiringSegmentsAfterAFailedCheckpointLosesNothing() throws IOException {
        int blocks = 1024;
        BlockEngine e = BlockEngine.open(dir, cfg());
        e.createVolume(new VolumeSpec("v", (long) blocks * BS, false));
        byte[] first = pattern(5, blocks * BS);
        byte[] second = pattern(6, blocks * BS);
        e.volume("v").write(0, ByteBuffer.wrap(first), true).join(); // durable, not yet in the index
        e.volume("v").write(0, ByteBuffer.wrap(second), true).join();
        e.index().beforeCommit = () -> {
            throw new IllegalStateException("injected index commit failure");
        };
        EngineException failed = assertThrows(EngineException.class, e::clean);
        assertTrue(failed.getMessage().contains("checkpoint failed"), failed.getMessage());
        e.index().beforeCommit = () -> { };
        for (long id : e.cleaner.dead(1024)) { // what the quarter-second retirement would pick
            e.cleaner.clean(id);
        }
        e.crash();

        BlockEngine again = BlockEngine.open(dir, cfg());
        try {
            assertArrayEquals(second, read(again, "v", 0, second.length));
        } finally {
            again.close();
        }
    }

    /**
     * Holds the log's fdatasyncs until released, writes the first 64 blocks (one record each)
     * and waits until the background checkpoint they trigger (every 64 entries here) has
     * drained exactly them and waits in its sync: whatever is written next piles up behind it.
     */
    private static CountDownLatch holdACheckpointOf64(BlockEngine e, byte[] data) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        e.log().forcer = s -> {
            try {
                release.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while held", ie);
            }
            s.channel.force(false);
        };
        for (int b = 0; b < 64; b++) {
            writeBlock(e, data, b);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (e.log().pendingEntries() > 0) {
            assertTrue(System.nanoTime() < deadline, "no background checkpoint drained the first 64 entries");
            Thread.sleep(5);
        }
        return release;
    }

    /** One record for one block, not durable (no sync). */
    private static void writeBlock(BlockEngine e, byte[] data, int b) {
        e.volume("v").write((long) b * BS, ByteBuffer.wrap(data, b * BS, BS), false).join();
    }

    /**
     * A backlog far above checkpointEntries is folded in several commits (one commit's copied
     * index pages stay bounded by what it applies), and the last moves the replay point to the
     * end of the drained log. Unmaps between the writes put TRIM records where a chunk would
     * end (a chunk then ends at the next DATA record), and compression makes stored blocks
     * shorter than 4 KiB.
     */
    @Test
    void aBacklogIsFoldedIntoTheIndexInChunks() throws Exception {
        int blocks = 1000;
        BlockEngine e = BlockEngine.open(dir, cfg().checkpointEntries(64));
        e.createVolume(new VolumeSpec("v", (long) blocks * BS, true));
        byte[] data = pattern(9, blocks * BS);
        for (int b = 0; b < blocks; b++) {
            Arrays.fill(data, b * BS + BS / 2, (b + 1) * BS, (byte) 0); // compressible
        }
        CountDownLatch release = holdACheckpointOf64(e, data);
        int trims = 0;
        for (int b = 64; b < blocks; b++) {
            writeBlock(e, data, b);
            if (b % 10 == 9) {
                e.volume("v").unmap((long) (b - 5) * BS, BS).join();
                Arrays.fill(data, (b - 5) * BS, (b - 4) * BS, (byte) 0);
                trims++;
            }
        }
        int backlog = e.log().pendingEntries();
        assertEquals(blocks - 64 + trims, backlog, "every record after the first 64 waits");
        long before = e.checkpointer().commits.get();
        release.countDown();
        e.checkpointer().checkpoint(Checkpointer.Trigger.REQUEST);
        long commits = e.checkpointer().commits.get() - before;
        // The held checkpoint's commit, then chunks of 64 entries or a few more (to the next
        // DATA record; a rest of up to 16 joins the last chunk).
        assertTrue(commits >= 1 + backlog / 80, commits + " commits for a backlog of " + backlog + " entries");
        assertEquals(0, e.log().pendingEntries());
        assertArrayEquals(data, read(e, "v", 0, data.length));
        e.crash();

        BlockEngine again = BlockEngine.open(dir, cfg());
        try {
            assertEquals(0, again.replayedRecordsAtOpen(), "the last chunk moved the replay point to the end");
            assertArrayEquals(data, read(again, "v", 0, data.length));
        } finally {
            again.close();
        }
    }

    /**
     * When one chunk's commit fails, the replay point stays after the chunks that committed:
     * the next start replays the rest, and only the rest, and nothing is lost. Writes and
     * metadata changes are refused meanwhile.
     */
    @Test
    void aFailedChunkLeavesTheReplayPointAfterTheChunksThatCommitted() throws Exception {
        int blocks = 1000;
        BlockEngine e = BlockEngine.open(dir, cfg().checkpointEntries(64));
        e.createVolume(new VolumeSpec("v", (long) blocks * BS, false));
        byte[] data = pattern(10, blocks * BS);
        CountDownLatch release = holdACheckpointOf64(e, data);
        for (int b = 64; b < blocks; b++) {
            writeBlock(e, data, b);
        }
        long before = e.checkpointer().commits.get();
        e.index().beforeCommit = () -> {
            if (e.checkpointer().commits.get() - before >= 2) { // the held checkpoint's and the backlog's first chunk
                throw new IllegalStateException("injected index commit failure");
            }
        };
        release.countDown();
        EngineException failed = assertThrows(EngineException.class,
                () -> e.checkpointer().checkpoint(Checkpointer.Trigger.REQUEST));
        assertTrue(failed.getMessage().contains("checkpoint failed"), failed.getMessage());
        assertEquals(2, e.checkpointer().commits.get() - before);
        RuntimeException refused = assertThrows(RuntimeException.class,
                () -> e.volume("v").write(0, ByteBuffer.wrap(new byte[BS]), false).join());
        Throwable why = refused instanceof CompletionException ? refused.getCause() : refused;
        assertTrue(why.getMessage().contains("checkpoint failed"), why.getMessage());
        EngineException metadata = assertThrows(EngineException.class,
                () -> e.createVolume(new VolumeSpec("w", BS, false)), "a metadata commit would save the failed chunk's accounting");
        assertTrue(metadata.getMessage().contains("checkpoint failed"), metadata.getMessage());
        e.crash();

        BlockEngine again = BlockEngine.open(dir, cfg());
        try {
            assertEquals(blocks - 64 - 64, again.replayedRecordsAtOpen(), "replayed from the end of the chunk that committed");
            assertArrayEquals(data, read(again, "v", 0, data.length));
        } finally {
            again.close();
        }
    }

    @Test
    void cleaningFreesOverwrittenSegmentsAndKeepsSnapshotData() throws IOException {
        BlockEngine e = BlockEngine.open(dir, cfg());
        try {
            e.createVolume(new VolumeSpec("v", 64 * BS, false));
            byte[] old = pattern(7, 64 * BS);
            e.volume("v").write(0, ByteBuffer.wrap(old), false).join();
            e.createSnapshot("v", "keep");
            byte[] cur = old;
            for (int round = 0; round < 20; round++) {
                cur = pattern(100 + round, 64 * BS);
                e.volume("v").write(0, ByteBuffer.wrap(cur), false).join();
            }
            long before = e.stats().segments();
            assertTrue(e.clean() > 0);
            assertTrue(e.stats().segments() < before, "dead segments were deleted");
            assertArrayEquals(cur, read(e, "v", 0, cur.length));
            ByteBuffer snap = ByteBuffer.allocate(old.length);
            e.readSnapshot("v", "keep", 0, snap);
            assertArrayEquals(old, snap.array(), "the snapshot's blocks were copied, not dropped");
        } finally {
            e.close();
        }
    }

    @Test
    void reusedSegmentFilesKeepNoStaleRecordsAcrossACrash() throws IOException {
        byte[][] data = fillAndOverwrite();
        BlockEngine e = BlockEngine.open(dir, cfg());
        assertTrue(e.clean() > 0);
        long free;
        try (var st = Files.list(dir.resolve("segments"))) {
            free = st.filter(p -> p.toString().endsWith(".free")).count();
        }
        assertTrue(free > 0, "cleaned segment files wait for reuse");
        // Write enough to roll into reused files, then crash without a clean close.
        for (int round = 0; round < 3; round++) {
            for (int b = 1; b < 512; b += 2) {
                data[b] = pattern(20_000 * (round + 1) + b, BS);
                e.volume("v").write((long) b * BS, ByteBuffer.wrap(data[b]), true).join();
            }
        }
        long freeAfter;
        try (var st = Files.list(dir.resolve("segments"))) {
            freeAfter = st.filter(p -> p.toString().endsWith(".free")).count();
        }
        assertTrue(freeAfter < free, "new segments took the free files: " + free + " -> " + freeAfter);
        e.crash();
        BlockEngine again = BlockEngine.open(dir, cfg());
        try {
            check(again, data);
        } finally {
            again.close();
        }
        BlockEngine third = BlockEngine.open(dir, cfg());
        try {
            check(third, data);
        } finally {
            third.close();
        }
    }

    /** Fills a volume over several segments, overwrites half so segments become mostly dead. */
    private byte[][] fillAndOverwrite() throws IOException {
        BlockEngine e = BlockEngine.open(dir, cfg());
        e.createVolume(new VolumeSpec("v", 512 * BS, true));
        byte[][] data = new byte[512][];
        for (int b = 0; b < 512; b++) {
            data[b] = pattern(b, BS);
            e.volume("v").write((long) b * BS, ByteBuffer.wrap(data[b]), false).join();
        }
        for (int b = 0; b < 512; b += 2) {
            data[b] = pattern(10_000 + b, BS);
            e.volume("v").write((long) b * BS, ByteBuffer.wrap(data[b]), false).join();
        }
        e.close();
        return data;
    }

    private static void check(BlockEngine e, byte[][] data) {
        for (int b = 0; b < data.length; b++) {
            byte[] got = read(e, "v", (long) b * BS, BS);
            assertTrue(Arrays.equals(data[b], got), "block " + b);
        }
    }

    private void zero(long segment, long from, long to) throws IOException {
        try (FileChannel ch = FileChannel.open(Segment.pathOf(dir.resolve("segments"), segment), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate((int) (to - from)), from);
        }
    }
}
