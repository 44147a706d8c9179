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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineTest {
    private static final int BS = Blocks.BLOCK_SIZE;

    @TempDir
    Path dir;
    private BlockEngine engine;

    private EngineConfig cfg() {
        return EngineConfig.defaults().segmentBytes(2 << 20).reserveBytes(0).backgroundCleaner(false)
                .checkpointInterval(Duration.ofMillis(20));
    }

    @BeforeEach
    void open() throws IOException {
        engine = BlockEngine.open(dir, cfg());
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private static byte[] random(int seed, int len) {
        byte[] b = new byte[len];
        new Random(seed).nextBytes(b);
        return b;
    }

    private byte[] read(String vol, long off, int len) {
        ByteBuffer dst = ByteBuffer.allocate(len);
        engine.volume(vol).read(off, dst);
        return dst.array();
    }

    @Test
    void unwrittenBlocksReadAsZerosAndUseNoSpace() {
        engine.createVolume(new VolumeSpec("thin", 1L << 40, false));
        assertArrayEquals(new byte[8192], read("thin", (1L << 40) - 8192, 8192));
        assertEquals(0, engine.info("thin").storedBytes());
    }

    @Test
    void sectorWritesAreMergedIntoBlocks() {
        engine.createVolume(new VolumeSpec("v", 64 * BS, false));
        byte[] full = random(1, 2 * BS);
        engine.volume("v").write(0, ByteBuffer.wrap(full), false).join();
        byte[] sector = random(2, 512);
        engine.volume("v").write(512 * 7, ByteBuffer.wrap(sector), false).join();
        System.arraycopy(sector, 0, full, 512 * 7, 512);
        assertArrayEquals(full, read("v", 0, 2 * BS));
    }

    @Test
    void misalignedOrOutOfRangeIoIsRefused() {
        Volume v = engine.createVolume(new VolumeSpec("v", 64 * BS, false));
        EngineException e = assertThrows(EngineException.class, () -> v.write(100, ByteBuffer.allocate(512), false));
        assertEquals(EngineException.Kind.INVALID_ARGUMENT, e.kind());
        e = assertThrows(EngineException.class, () -> v.read(64 * BS, ByteBuffer.allocate(512)));
        assertEquals(EngineException.Kind.INVALID_ARGUMENT, e.kind());
    }

    @Test
    void createIsIdempotentButConflictingSpecIsRefused() {
        Volume a = engine.createVolume(new VolumeSpec("v", 64 * BS, false));
        assertEquals(a.id(), engine.createVolume(new VolumeSpec("v", 64 * BS, false)).id());
        EngineException e = assertThrows(EngineException.class, () -> engine.createVolume(new VolumeSpec("v", 128 * BS, false)));
        assertEquals(EngineException.Kind.ALREADY_EXISTS, e.kind());
        engine.deleteVolume("v");
        engine.deleteVolume("v"); // deleting a missing volume succeeds
        assertThrows(EngineException.class, () -> engine.info("v"));
    }

    @Test
    void thousandSnapshotsOfOneVolumeEachKeepTheirContent() {
        engine.createVolume(new VolumeSpec("v", 16 * BS, false));
        for (int i = 0; i < 1000; i++) {
            ByteBuffer b = ByteBuffer.allocate(BS);
            b.putInt(0, i);
            engine.volume("v").write((long) (i % 16) * BS, b, false).join();
            engine.createSnapshot("v", "s" + i);
        }
        assertEquals(1000, engine.listSnapshots("v").size());
        for (int i : new int[] {0, 1, 17, 500, 999}) {
            ByteBuffer dst = ByteBuffer.allocate(BS);
            engine.readSnapshot("v", "s" + i, (long) (i % 16) * BS, dst);
            assertEquals(i, dst.getInt(0), "snapshot s" + i);
        }
        // The tree: each snapshot's parent is the previous one.
        List<SnapshotInfo> snaps = engine.listSnapshots("v");
        for (int i = 1; i < snaps.size(); i++) {
            assertEquals(snaps.get(i - 1).id(), snaps.get(i).parentId());
        }
    }

    @Test
    void snapshotTreeThroughClonesAndReverts() {
        engine.createVolume(new VolumeSpec("v", 16 * BS, false));
        engine.volume("v").write(0, ByteBuffer.wrap(random(1, BS)), false).join();
        SnapshotInfo a = engine.createSnapshot("v", "a");
        engine.volume("v").write(0, ByteBuffer.wrap(random(2, BS)), false).join();
        SnapshotInfo b = engine.createSnapshot("v", "b");
        engine.revert("v", "a");
        assertArrayEquals(random(1, BS), read("v", 0, BS));
        SnapshotInfo c = engine.createSnapshot("v", "c");
        assertEquals(a.id(), c.parentId(), "after revert to a, the next snapshot hangs below a");
        assertEquals(a.id(), b.parentId());
        engine.cloneSnapshot("v", "b", "cl");
        assertArrayEquals(random(2, BS), read("cl", 0, BS));
        SnapshotInfo d = engine.createSnapshot("cl", "d");
        assertEquals(b.id(), d.parentId(), "a clone's snapshots hang below the origin snapshot");
        // Deleting b keeps the clone's data and re-parents d to a.
        engine.deleteSnapshot("v", "b");
        engine.reclaim();
        assertArrayEquals(random(2, BS), read("cl", 0, BS));
        assertEquals(a.id(), engine.snapshot("cl", "d").parentId());
    }

    @Test
    void corruptedBlockIsAMediumErrorAndScrubFindsIt() throws IOException {
        engine.createVolume(new VolumeSpec("v", 16 * BS, false));
        engine.volume("v").write(0, ByteBuffer.wrap(random(1, 4 * BS)), true).join();
        assertTrue(engine.scrub("v").clean());
        engine.close();
        // Flip one byte of the second block's payload in the segment file.
        Path seg = Segment.pathOf(dir.resolve("segments"), 1);
        long payload = RecordFormat.headerAndTableBytes(RecordFormat.DATA, 4) + BS + 100;
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, payload);
            one.put(0, (byte) (one.get(0) ^ 0x5a)).rewind();
            ch.write(one, payload);
        }
        engine = BlockEngine.open(dir, cfg());
        MediumErrorException e = assertThrows(MediumErrorException.class, () -> read("v", 0, 4 * BS));
        assertEquals(BS, e.byteOffset());
        assertArrayEquals(random(1, BS), read("v", 0, BS), "undamaged blocks still read");
        ScrubReport r = engine.scrub("v");
        assertEquals(4, r.blocksChecked());
        assertEquals(List.of((long) BS), r.damagedOffsets());
    }

    @Test
    void compressionStoresCompressibleBlocksInLessSpace() {
        engine.createVolume(new VolumeSpec("plain", 256 * BS, false));
        engine.createVolume(new VolumeSpec("lz4", 256 * BS, true));
        byte[] text = new byte[256 * BS];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ("basalt block storage ".charAt(i % 21));
        }
        engine.volume("plain").write(0, ByteBuffer.wrap(text), false).join();
        engine.volume("lz4").write(0, ByteBuffer.wrap(text), false).join();
        engine.flush().join();
        engine.scrub("plain"); // forces a checkpoint so byte counters are current
        engine.scrub("lz4");
        assertEquals(256L * BS, engine.info("plain").storedBytes());
        assertTrue(engine.info("lz4").storedBytes() < 256L * BS / 4, "stored " + engine.info("lz4").storedBytes());
        assertArrayEquals(text, read("lz4", 0, text.length));
    }

    @Test
    void unmapReadsZerosAndFreesSpaceWhenNoSnapshotHoldsIt() {
        engine.createVolume(new VolumeSpec("v", 1024 * BS, false));
        engine.volume("v").write(0, ByteBuffer.wrap(random(1, 1024 * BS)), false).join();
        engine.scrub("v");
        assertEquals(1024L * BS, engine.info("v").storedBytes());
        engine.createSnapshot("v", "s");
        engine.volume("v").unmap(0, 512L * BS).join();
        assertArrayEquals(new byte[512 * BS], read("v", 0, 512 * BS));
        engine.scrub("v");
        assertEquals(1024L * BS, engine.info("v").storedBytes(), "the snapshot still holds the unmapped blocks");
        assertEquals(512L * BS, engine.snapshotExclusiveBytes("v", "s"));
        engine.deleteSnapshot("v", "s");
        engine.reclaim();
        assertEquals(512L * BS, engine.info("v").storedBytes(), "space of the unmapped half is free");
    }

    @Test
    void changesBetweenSnapshotsListOnlyWhatChanged() {
        engine.createVolume(new VolumeSpec("v", 1L << 30, false));
        engine.volume("v").write(0, ByteBuffer.wrap(random(1, 8 * BS)), false).join();
        engine.createSnapshot("v", "a");
        engine.volume("v").write(2 * BS, ByteBuffer.wrap(random(2, 2 * BS)), false).join();
        engine.volume("v").write(100L * BS, ByteBuffer.wrap(random(3, BS)), false).join();
        engine.volume("v").unmap(6L * BS, BS).join();
        engine.createSnapshot("v", "b");
        assertEquals(List.of(new ChangedExtent(2L * BS, 2L * BS, false), new ChangedExtent(6L * BS, BS, true),
                new ChangedExtent(100L * BS, BS, false)), engine.changes("v", "a", "b"));
        engine.volume("v").write(50L * BS, ByteBuffer.wrap(random(4, BS)), false).join();
        assertEquals(List.of(new ChangedExtent(50L * BS, BS, false)), engine.changes("v", "b", null));
        assertTrue(engine.info("v").version() > engine.snapshot("v", "b").version());
    }

    @Test
    void fullDiskIsAClearErrorAndLosesNothing() throws IOException {
        engine.createVolume(new VolumeSpec("v", 4096 * BS, false));
        byte[] kept = random(9, 16 * BS);
        engine.volume("v").write(0, ByteBuffer.wrap(kept), true).join();
        engine.close();
        // A reserve larger than the free space: the next segment cannot be started.
        engine = BlockEngine.open(dir, cfg().reserveBytes(Long.MAX_VALUE / 2));
        EngineException full = null;
        try {
            for (int i = 0; i < 1024 && full == null; i++) {
                try {
                    engine.volume("v").write((long) (i % 4096) * BS, ByteBuffer.wrap(random(i, 4 * BS)), false).join();
                } catch (EngineException e) {
                    full = e;
                }
            }
        } finally {
            assertTrue(full != null, "writes past the free space must fail");
        }
        assertEquals(EngineException.Kind.NO_SPACE, full.kind());
        assertTrue(full.getMessage().contains("reserve"), full.getMessage());
        engine.close();
        engine = BlockEngine.open(dir, cfg());
        byte[] head = read("v", 0, 16 * BS);
        assertFalse(Arrays.equals(new byte[16 * BS], head));
    }

    @Test
    void afterAFailedFsyncNothingIsReportedDurable() throws IOException {
        engine.createVolume(new VolumeSpec("f", 64L * BS, false));
        Volume v = engine.volume("f");
        v.write(0, ByteBuffer.wrap(random(1, BS)), true).join();
        v.write(BS, ByteBuffer.wrap(random(2, BS)), false).join(); // in the page cache only
        engine.log().forcer = s -> {
            throw new IOException("injected: fdatasync failed");
        };
        CompletionException failed = assertThrows(CompletionException.class,
                () -> v.write(2L * BS, ByteBuffer.wrap(random(3, BS)), true).join());
        assertTrue(failed.getCause().getMessage().contains("fsync failed"), failed.getCause().getMessage());
        engine.log().forcer = s -> s.channel.force(false); // the disk "recovers"
        // The page cache may have dropped the dirty pages the failed fsync covered: a new fsync
        // that succeeds proves nothing about them, so neither a flush nor a write is durable now.
        assertThrows(RuntimeException.class, () -> v.flush().join()); // refused at once if a checkpoint met the failure first
        assertThrows(RuntimeException.class, () -> v.write(3L * BS, ByteBuffer.wrap(random(4, BS)), true).join());
        // Nor does close index the unsynced tail as if it were durable; recovery replays the log.
        assertThrows(RuntimeException.class, engine::close);
        engine = BlockEngine.open(dir, cfg());
        assertArrayEquals(random(1, BS), read("f", 0, BS), "what was acknowledged as durable survives");
    }

    @Test
    void concurrentWritersOnManyVolumesAllLand() throws Exception {
        int volumes = 4;
        int threads = 8;
        for (int v = 0; v < volumes; v++) {
            engine.createVolume(new VolumeSpec("v" + v, 256 * BS, v % 2 == 0));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            done.add(pool.submit(() -> {
                List<CompletableFuture<Void>> acks = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    // each thread owns blocks id, id+threads, ... of every volume
                    int block = id + threads * (i % 32);
                    ByteBuffer b = ByteBuffer.allocate(BS);
                    b.putInt(0, id).putInt(4, i);
                    acks.add(engine.volume("v" + (i % volumes)).write((long) block * BS, b, i % 10 == 0));
                }
                acks.forEach(CompletableFuture::join);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        for (int t = 0; t < threads; t++) {
            for (int slot = 0; slot < 32; slot++) {
                for (int v = 0; v < volumes; v++) {
                    int last = -1;
                    for (int i = 0; i < 500; i++) {
                        if (i % 32 == slot && i % volumes == v) {
                            last = i;
                        }
                    }
                    if (last < 0) {
                        continue;
                    }
                    ByteBuffer dst = ByteBuffer.allocate(BS);
                    engine.volume("v" + v).read((long) (t + threads * slot) * BS, dst);
                    assertEquals(t, dst.getInt(0));
                    assertEquals(last, dst.getInt(4));
                }
            }
        }
        assertTrue(engine.stats().syncs() <= 8 * 50, "FUA writes share syncs: " + engine.stats().syncs());
    }

    @Test
    void sparesAreZeroFilledOnlyWhileIdleAndNewSegmentsTakeThem() throws Exception {
        Path segs = dir.resolve("segments");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (spareFiles(segs).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<Path> spares = spareFiles(segs);
        assertFalse(spares.isEmpty(), "an idle log zero-fills spare files");
        byte[] content = java.nio.file.Files.readAllBytes(spares.get(0));
        assertEquals(2 << 20, content.length);
        assertTrue(Arrays.equals(content, new byte[content.length]), "a spare is all zeros");

        engine.createVolume(new VolumeSpec("busy", 64L << 20, false));
        Volume v = engine.volume("busy");
        long filledBefore = engine.stats().sparesZeroFilled();
        long end = System.nanoTime() + 1_500_000_000L;
        byte[] last = null;
        long written = 0;
        for (int i = 0; System.nanoTime() < end; i++) {
            last = random(i, 64 * 1024);
            v.write((i % 1024) * 65536L, ByteBuffer.wrap(last), false).join();
            written = i;
        }
        assertEquals(filledBefore, engine.stats().sparesZeroFilled(), "no zero-filling while the log is busy");
        assertTrue(spareFiles(segs).size() < spares.size() || written * 65536 < 2 * (2 << 20),
                "new segments took the zero-filled spares");
        assertArrayEquals(last, read("busy", (written % 1024) * 65536L, last.length));
    }

    @Test
    void backgroundCleanerWaitsForAnIdleEngineUnlessSpaceIsShort() throws Exception {
        for (double busyFreeRatio : new double[] {0.0, 1.0}) {
            engine.close();
            // 0: the file system never counts as short of space; 1: it always does.
            engine = BlockEngine.open(dir, cfg().backgroundCleaner(true)
                    .cleanerPolicy(new CleanerPolicy(0.9, 64, 0, Duration.ofMillis(200), busyFreeRatio)));
            String name = "c" + (int) busyFreeRatio;
            engine.createVolume(new VolumeSpec(name, 8L << 20, false));
            Volume v = engine.volume(name);
            byte[] last = null;
            for (int pass = 0; pass < 12; pass++) { // 12 MiB over one 1 MiB range: old segments die
                last = random(pass, 1 << 20);
                v.write(0, ByteBuffer.wrap(last), false).join();
            }
            long cleanedBefore = engine.stats().segmentsCleaned();
            long copiedBefore = engine.stats().bytesCleaned();
            long reusedBefore = engine.log().reusedFiles.get();
            long end = System.nanoTime() + 3_000_000_000L;
            for (int i = 0; System.nanoTime() < end; i++) { // a steady load elsewhere in the volume
                v.write((1L << 20) + (i % 1024) * 4096L, ByteBuffer.wrap(random(i, 4096)), false).join();
            }
            long retiredUnderLoad = engine.stats().segmentsCleaned() - cleanedBefore;
            long copiedUnderLoad = engine.stats().bytesCleaned() - copiedBefore;
            if (busyFreeRatio == 0.0) {
                assertTrue(retiredUnderLoad > 0, "segments with nothing live are retired under load too");
                assertTrue(engine.log().reusedFiles.get() > reusedBefore, "their files become new segments");
                assertEquals(0, copiedUnderLoad, "with space to spare the cleaner copies nothing while the engine is busy");
                long deadline = System.nanoTime() + 15_000_000_000L;
                while (engine.stats().bytesCleaned() == copiedBefore && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(engine.stats().bytesCleaned() > copiedBefore, "an idle engine gets its partly live segments cleaned");
            } else {
                assertTrue(copiedUnderLoad > 0, "short of space, the cleaner copies under load");
            }
            assertArrayEquals(last, read(name, 0, last.length));
        }
    }

    @Test
    void tryReadServesOnlyWhatIsInMemory() throws Exception {
        engine.createVolume(new VolumeSpec("cold", 4L << 20, false));
        Volume v = engine.volume("cold");
        byte[] data = random(7, 16 * BS);
        v.write(0, ByteBuffer.wrap(data), true).join();
        ByteBuffer never = ByteBuffer.allocate(BS);
        assertTrue(v.tryRead(1L << 20, never), "never-written blocks are zeros without any I/O");
        assertArrayEquals(new byte[BS], never.array());

        // Drop the segment files' pages from the page cache: clean after the sync, and not yet
        // touched through the read mapping (mapped pages cannot be dropped).
        dropFromPageCache(".seg");
        ByteBuffer cold = ByteBuffer.allocate(data.length);
        assertFalse(v.tryRead(0, cold), "evicted data would need the disk");
        assertEquals(0, cold.position(), "a refused tryRead consumes nothing");
        v.read(0, cold);
        assertArrayEquals(data, cold.array());
        ByteBuffer warm = ByteBuffer.allocate(data.length);
        assertTrue(v.tryRead(0, warm), "read once, the pages are in memory again");
        assertArrayEquals(data, warm.array());
    }

    /**
     * Drops the pages of the segment directory's files ending in {@code suffix} from the page
     * cache (posix_fadvise DONTNEED, through python3: the JDK has no call for it); returns them.
     * Pages mapped by a reader cannot be dropped.
     */
    private List<String> dropFromPageCache(String suffix) throws IOException, InterruptedException {
        List<String> files;
        try (var st = java.nio.file.Files.list(dir.resolve("segments"))) {
            files = st.map(Path::toString).filter(f -> f.endsWith(suffix)).toList();
        }
        List<String> cmd = new ArrayList<>(List.of("python3", "-c",
                "import os, sys\nfor p in sys.argv[1:]:\n fd = os.open(p, os.O_RDONLY)\n"
                        + " os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)\n os.close(fd)"));
        cmd.addAll(files);
        assertEquals(0, new ProcessBuilder(cmd).inheritIO().start().waitFor(), "posix_fadvise(DONTNEED) ran");
        return files;
    }

    @Test
    void aReusedFreeFileIsReadBackIntoMemory() throws Exception {
        engine.createVolume(new VolumeSpec("r", 16L << 20, false));
        Volume v = engine.volume("r");
        for (int pass = 0; pass < 8; pass++) { // durable, so segments end up allocated and get recycled
            v.write(0, ByteBuffer.wrap(random(pass, 1 << 20)), true).join();
        }
        engine.clean();
        List<String> evicted = dropFromPageCache(".free");
        assertFalse(evicted.isEmpty(), "the cleaner left recycled files: " + evicted);
        // Roll twice: the spare taken after the first roll is one of the evicted free files.
        long start = engine.log().currentSegmentId();
        for (int i = 0; engine.log().currentSegmentId() < start + 2; i++) {
            v.write((i % 16) * 65536L, ByteBuffer.wrap(random(i, 65536)), false).join();
        }
        Segment current = engine.log().segments.get(engine.log().currentSegmentId());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!current.resident(0, 2 << 20) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(current.resident(0, 2 << 20), "the reused file's pages are in memory, ahead of the appends");
    }

    @Test
    void durableWritesMoveOffASparseSegmentAndSurviveACrash() throws Exception {
        engine.createVolume(new VolumeSpec("fua", 4L << 20, false));
        long before = engine.stats().segments();
        byte[][] data = new byte[64][];
        for (int i = 0; i < data.length; i++) {
            data[i] = random(1000 + i, BS);
            engine.volume("fua").write((long) i * BS, ByteBuffer.wrap(data[i]), true).join();
        }
        // 64 blocks are an eighth of one 2 MiB segment: only the move to allocated space rolls.
        assertTrue(engine.stats().segments() > before, "durable writes left the sparse first segment");
        engine.crash();
        engine = BlockEngine.open(dir, cfg());
        for (int i = 0; i < data.length; i++) {
            assertArrayEquals(data[i], read("fua", (long) i * BS, BS), "block " + i);
        }
    }

    @Test
    void aRollDoesNotWaitForTheRestOfAZeroFill() throws Exception {
        engine.createVolume(new VolumeSpec("zf", 8L << 20, false));
        Volume v = engine.volume("zf");
        CountDownLatch inFill = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        // The first piece of zeros written in place (a spare's fill; new files and idle fills
        // write a .tmp file) holds its fill until a roll waits for it (at most 10 s).
        Segment.afterZeroPiece = file -> {
            if (file.getFileName().toString().endsWith(".seg") && first.getAndSet(false)) {
                inFill.countDown();
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!engine.log().rollWaiting && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(1_000_000);
                }
            }
        };
        try {
            Map<Long, byte[]> written = new HashMap<>();
            // Durable writes to the sparse first segment start zero-filling the spare in place.
            for (int i = 0; i < 24; i++) {
                byte[] b = random(7000 + i, BS);
                v.write((long) i * BS, ByteBuffer.wrap(b), true).join();
                written.put((long) i * BS, b);
            }
            assertTrue(inFill.await(10, TimeUnit.SECONDS), "durable writes started a zero-fill of the spare");
            long segment = engine.log().currentSegmentId();
            long start = System.nanoTime();
            for (int i = 0; engine.log().currentSegmentId() == segment; i++) {
                byte[] b = random(8000 + i, 65536);
                long off = (1L << 20) + (i % 64) * 65536L;
                v.write(off, ByteBuffer.wrap(b), false).join();
                written.put(off, b);
            }
            long rollMillis = (System.nanoTime() - start) / 1_000_000;
            Segment current = engine.log().segments.get(engine.log().currentSegmentId());
            assertFalse(current.allocated, "the fill stopped when the log rolled onto the spare");
            assertTrue(rollMillis < 5_000, "the roll waited " + rollMillis + " ms for the zero-fill");
            v.write(0, ByteBuffer.wrap(random(9000, BS)), true).join();
            written.put(0L, random(9000, BS));
            engine.crash();
            engine = BlockEngine.open(dir, cfg());
            for (Map.Entry<Long, byte[]> e : written.entrySet()) {
                assertArrayEquals(e.getValue(), read("zf", e.getKey(), e.getValue().length), "at " + e.getKey());
            }
        } finally {
            Segment.afterZeroPiece = null;
        }
    }

    @Test
    void sealedSegmentsAreWrittenOutInTheBackground() throws Exception {
        assertTrue(WriteOut.available(), "sync_file_range is reachable here (Linux, --add-opens)");
        // No checkpoint (and so no sync of the log) while it runs: only the write-out writes.
        BlockEngine quiet = BlockEngine.open(dir.resolve("quiet"), cfg().checkpointInterval(Duration.ofHours(1)));
        try {
            quiet.createVolume(new VolumeSpec("wo", 8L << 20, false));
            Volume v = quiet.volume("wo");
            long start = quiet.log().currentSegmentId();
            byte[][] data = new byte[64][];
            for (int i = 0; quiet.log().currentSegmentId() < start + 2; i++) {
                data[i % 64] = random(600 + i, 65536);
                v.write((i % 64) * 65536L, ByteBuffer.wrap(data[i % 64]), false).join();
            }
            // Each sealed segment holds at least 2 MiB less one 64 KiB write and a SEAL, all of
            // it written out: behind the write position while it was current, the rest at the roll.
            long sealed = 2 * ((2 << 20) - (128 << 10));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (quiet.log().writtenOut.get() < sealed && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(quiet.log().writtenOut.get() >= sealed,
                    "two sealed 2 MiB segments were written out, got " + quiet.log().writtenOut.get() + " bytes");
            for (int i = 0; i < 64; i++) {
                if (data[i] != null) {
                    ByteBuffer dst = ByteBuffer.allocate(65536);
                    v.read(i * 65536L, dst);
                    assertArrayEquals(data[i], dst.array(), "chunk " + i);
                }
            }
        } finally {
            quiet.close();
        }
    }

    @Test
    void theCurrentSegmentIsWrittenOutBehindItsWritePosition() throws Exception {
        assertTrue(WriteOut.available(), "sync_file_range is reachable here (Linux, --add-opens)");
        // 16 MiB segments (write-behind every 2 MiB) and no checkpoint, so no sync of the log:
        // only the write-out writes, and everything stays in the first segment.
        BlockEngine quiet = BlockEngine.open(dir.resolve("behind"),
                cfg().segmentBytes(16L << 20).checkpointInterval(Duration.ofHours(1)));
        byte[][] data = new byte[128][];
        try {
            quiet.createVolume(new VolumeSpec("wb", 8L << 20, false));
            Volume v = quiet.volume("wb");
            long segment = quiet.log().currentSegmentId();
            for (int i = 0; i < 128; i++) { // 8 MiB, well inside the segment
                data[i] = random(900 + i, 65536);
                v.write(i * 65536L, ByteBuffer.wrap(data[i]), false).join();
            }
            assertEquals(segment, quiet.log().currentSegmentId(), "no roll: the test is about the current segment");
            // Written out up to a piece behind the write position, in whole pieces, leaving
            // at most the write-behind distance (2 MiB here) and two pieces dirty.
            long head = quiet.log().position().offset();
            long piece = Segment.ZERO_PIECE;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (quiet.log().writtenOut.get() < head - (2 << 20) - 2 * piece && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long out = quiet.log().writtenOut.get();
            assertTrue(out >= head - (2 << 20) - 2 * piece, "written out " + out + " of " + head + " bytes");
            assertTrue(out <= head - piece, "the piece being appended to is left alone: " + out + " of " + head);
            assertEquals(0, out % piece, "whole pieces: " + out);
            for (int i = 0; i < 128; i++) {
                ByteBuffer dst = ByteBuffer.allocate(65536);
                v.read(i * 65536L, dst);
                assertArrayEquals(data[i], dst.array(), "chunk " + i);
            }
        } finally {
            quiet.close();
        }
        // A clean close syncs the log: reopened, every chunk reads back as written.
        BlockEngine again = BlockEngine.open(dir.resolve("behind"), cfg().segmentBytes(16L << 20));
        try {
            for (int i = 0; i < 128; i++) {
                ByteBuffer dst = ByteBuffer.allocate(65536);
                again.volume("wb").read(i * 65536L, dst);
                assertArrayEquals(data[i], dst.array(), "chunk " + i + " after reopening");
            }
        } finally {
            again.close();
        }
    }

    @Test
    void nothingIsWrittenBehindUnderDurableWrites() throws Exception {
        // No zero-fill: under durable writes the log leaves a sparse segment for a zero-filled
        // spare once one is ready, a roll (and a write-out of the old segment) that would race
        // the writers on a slow machine; this test is about the current segment only.
        BlockEngine durable = BlockEngine.open(dir.resolve("durable"),
                cfg().segmentBytes(64L << 20).checkpointInterval(Duration.ofHours(1)).zeroFillSegments(false));
        try {
            durable.createVolume(new VolumeSpec("d", 16L << 20, false));
            Volume v = durable.volume("d");
            long segment = durable.log().currentSegmentId();
            // Eight writers of durable 64 KiB writes, 24 MiB in all: three times the
            // write-behind distance, in one segment. The syncer writes it out; nothing else should.
            java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int first = t;
                    done.add(writers.submit(() -> {
                        for (int i = first; i < 384; i += 8) {
                            v.write((i % 256) * 65536L, ByteBuffer.wrap(random(i, 65536)), true).join();
                        }
                    }));
                }
                for (var f : done) {
                    f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                writers.shutdown();
            }
            assertEquals(segment, durable.log().currentSegmentId(), "no roll: the test is about the current segment");
            assertTrue(durable.log().position().offset() > (24L << 20), "24 MiB appended");
            Thread.sleep(200); // a write-out queued by mistake would have started
            assertEquals(0, durable.log().writtenOut.get(), "the syncer kept up; nothing was written behind");
        } finally {
            durable.close();
        }
    }

    @Test
    void aSparseCurrentSegmentIsStillKnownSparseAfterARestart() throws Exception {
        EngineConfig c = cfg().segmentBytes(16L << 20);
        BlockEngine first = BlockEngine.open(dir.resolve("restart"), c);
        long segment;
        try {
            first.createVolume(new VolumeSpec("r", 4L << 20, false));
            first.volume("r").write(0, ByteBuffer.wrap(random(77, 65536)), false).join();
            segment = first.log().currentSegmentId();
            assertFalse(first.log().segments.get(segment).allocated, "a new segment under writes without syncs is sparse");
        } finally {
            first.close();
        }
        BlockEngine again = BlockEngine.open(dir.resolve("restart"), c);
        try {
            assertEquals(segment, again.log().currentSegmentId(), "appends resume in the same segment");
            assertFalse(again.log().segments.get(segment).allocated, "the restarted engine reads its holes off the file");
            ByteBuffer dst = ByteBuffer.allocate(65536);
            again.volume("r").read(0, dst);
            assertArrayEquals(random(77, 65536), dst.array());
        } finally {
            again.close();
        }
    }

    @Test
    void sequentialReadsAcrossVersionsSnapshotsAndAClone() {
        engine.createVolume(new VolumeSpec("seq", 1L << 20, false));
        Volume v = engine.volume("seq");
        int blocks = 64;
        byte[][] a = new byte[blocks][];
        for (int b = 0; b < blocks; b++) {
            a[b] = random(50_000 + b, BS);
            v.write((long) b * BS, ByteBuffer.wrap(a[b]), false).join();
        }
        engine.createSnapshot("seq", "a");
        byte[][] head = a.clone();
        for (int b = 0; b < blocks; b += 2) {
            head[b] = random(60_000 + b, BS);
            v.write((long) b * BS, ByteBuffer.wrap(head[b]), false).join();
        }
        engine.createSnapshot("seq", "b");
        byte[][] atB = head.clone();
        for (int b = 0; b < blocks; b += 3) {
            head[b] = random(70_000 + b, BS);
            v.write((long) b * BS, ByteBuffer.wrap(head[b]), false).join();
        }
        v.unmap(10L * BS, 5L * BS).join();
        for (int b = 10; b < 15; b++) {
            head[b] = new byte[BS];
        }
        engine.createSnapshot("seq", "c"); // folds everything into the index: reads go through LMDB
        engine.cloneSnapshot("seq", "b", "fork");
        byte[] forkBlock = random(80_000, BS);
        engine.volume("fork").write(7L * BS, ByteBuffer.wrap(forkBlock), false).join();
        byte[][] fork = atB.clone();
        fork[7] = forkBlock;

        assertArrayEquals(concat(head), read("seq", 0, blocks * BS), "head, whole range");
        assertArrayEquals(concat(Arrays.copyOfRange(head, 5, 40)), read("seq", 5L * BS, 35 * BS), "head, from block 5");
        assertArrayEquals(concat(a), readSnapshot("seq", "a", blocks), "snapshot a");
        assertArrayEquals(concat(atB), readSnapshot("seq", "b", blocks), "snapshot b");
        assertArrayEquals(concat(fork), read("fork", 0, blocks * BS), "clone of b, through its parent");
    }

    private byte[] readSnapshot(String vol, String snap, int blocks) {
        ByteBuffer dst = ByteBuffer.allocate(blocks * BS);
        engine.readSnapshot(vol, snap, 0, dst);
        return dst.array();
    }

    private static byte[] concat(byte[][] parts) {
        ByteBuffer all = ByteBuffer.allocate(parts.length * BS);
        for (byte[] p : parts) {
            all.put(p);
        }
        return all.array();
    }

    @Test
    void readsNeverSeeAnOlderVersionThanTheLastCompletedWriteWhileCheckpointsAndTheCleanerRun() throws Exception {
        engine.close();
        engine = BlockEngine.open(dir, cfg().checkpointEntries(64).checkpointInterval(Duration.ofMillis(1))
                .locationCacheEntries(512)); // small: the cache also empties itself while in use
        engine.createVolume(new VolumeSpec("race", 8L << 20, false));
        Volume v = engine.volume("race");
        int threads = 4;
        int blocksEach = 64;
        long end = System.nanoTime() + 3_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            List<Future<Long>> checks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * blocksEach;
                checks.add(pool.submit(() -> {
                    // Two counters per block, in its first and last sector, written by 512-byte
                    // writes: every write merges with the block as read, so a stale read shows
                    // up as a counter going back.
                    long[][] last = new long[blocksEach][2];
                    ByteBuffer sector = ByteBuffer.allocate(512);
                    ByteBuffer whole = ByteBuffer.allocate(BS);
                    ByteBuffer range = ByteBuffer.allocate(blocksEach * BS);
                    Random rnd = new Random(first);
                    long verified = 0;
                    while (System.nanoTime() < end) {
                        int b = rnd.nextInt(blocksEach);
                        long block = first + b;
                        if (rnd.nextInt(3) > 0) {
                            int which = rnd.nextInt(2);
                            last[b][which]++;
                            sector.clear();
                            sector.putLong(0, block).putLong(8, last[b][which]);
                            v.write(block * BS + which * (BS - 512), sector, false).join();
                        }
                        // Mostly this block; sometimes all of this thread's blocks in one read, which
                        // resolves later blocks from a snapshot taken at the first while
                        // checkpoints commit and the cache fills from it.
                        boolean all = rnd.nextInt(8) == 0;
                        int from = all ? 0 : b;
                        int count = all ? blocksEach : 1;
                        ByteBuffer got = all ? range : whole;
                        got.clear();
                        v.read((first + from) * (long) BS, got);
                        for (int j = 0; j < count; j++) {
                            for (int which = 0; which < 2; which++) {
                                int at = j * BS + which * (BS - 512);
                                long seen = got.getLong(at + 8);
                                long want = last[from + j][which];
                                if (want > 0 && (got.getLong(at) != first + from + j || seen != want)) {
                                    throw new AssertionError("block " + (first + from + j) + " sector " + which
                                            + " read version " + seen + " after writing " + want);
                                }
                            }
                            verified++;
                        }
                    }
                    return verified;
                }));
            }
            Future<Long> cleaning = pool.submit(() -> {
                long passes = 0;
                while (System.nanoTime() < end) {
                    engine.clean();
                    passes++;
                }
                return passes;
            });
            long total = 0;
            for (Future<Long> f : checks) {
                total += f.get();
            }
            assertTrue(total > 1000, "the readers ran: " + total + " checked reads");
            assertTrue(cleaning.get() > 0);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Path> spareFiles(Path segs) throws IOException {
        try (var st = java.nio.file.Files.list(segs)) {
            return st.filter(p -> p.getFileName().toString().startsWith("spare-")
                    && p.getFileName().toString().endsWith(".free")).toList();
        }
    }
}
