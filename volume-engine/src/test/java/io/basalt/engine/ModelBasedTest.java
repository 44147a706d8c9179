package io.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thousands of random operations against an in-memory reference model, on real LMDB and real
 * files: every read is checked. Crashes truncate the unsynced log tail at a random point, so a
 * block written since the last durable point may come back as any value it had since then;
 * everything made durable must come back exactly. The seed is printed; rerun one with
 * {@code -Dbasalt.seed=N}.
 */
class ModelBasedTest {
    private static final int BS = Blocks.BLOCK_SIZE;

    @TempDir
    Path dir;

    private final Map<String, byte[]> volumes = new TreeMap<>();
    private final Map<String, byte[]> snapshots = new TreeMap<>(); // "volume@snap" -> content
    /** Per volume, per block: values the block may have after a crash (since the last durable point). */
    private final Map<String, Map<Integer, List<byte[]>>> uncertain = new HashMap<>();
    private BlockEngine engine;
    private Random rnd;
    private long seed;
    private int step;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void randomOperationsMatchTheModel(long base) throws Exception {
        String fixed = System.getProperty("basalt.seed");
        seed = fixed != null ? Long.parseLong(fixed) : base * 7919 + System.nanoTime() % 1000;
        System.out.println("ModelBasedTest seed=" + seed + " (rerun with -Dbasalt.seed=" + seed + ")");
        rnd = new Random(seed);
        engine = open();
        try {
            for (step = 0; step < 2000; step++) {
                oneOp();
            }
            verifyAll();
        } catch (Throwable t) {
            fail("seed " + seed + " failed at step " + step + ": " + t, t);
        } finally {
            engine.close();
        }
    }

    private BlockEngine open() throws IOException {
        return BlockEngine.open(dir, EngineConfig.defaults()
                .segmentBytes(1152 * 1024)
                .checkpointInterval(Duration.ofMillis(rnd.nextBoolean() ? 5 : 100_000))
                .checkpointEntries(64 + rnd.nextInt(2000))
                .readCacheBytes(rnd.nextBoolean() ? 0 : 1 << 20)
                .reserveBytes(0)
                .backgroundCleaner(false)
                .cleanerPolicy(new CleanerPolicy(0.95, 4, 0, Duration.ofHours(1))));
    }

    private void oneOp() throws IOException {
        if (volumes.isEmpty() || rnd.nextInt(40) == 0 && volumes.size() < 5) {
            createVolume();
            return;
        }
        String v = pick(volumes.keySet());
        int op = rnd.nextInt(100);
        if (op < 40) {
            write(v);
        } else if (op < 60) {
            read(v);
        } else if (op < 66) {
            unmap(v);
        } else if (op < 69) {
            snapshot(v);
        } else if (op < 71) {
            cloneOf(v);
        } else if (op < 73) {
            revert(v);
        } else if (op < 75) {
            deleteSnapshot(v);
        } else if (op < 77) {
            engine.clean();
        } else if (op < 78) {
            engine.reclaim();
        } else if (op < 80) {
            engine.flush().join();
            durable();
        } else if (op < 81) {
            engine.close();
            durable();
            engine = open();
            verifyAll();
        } else if (op < 83) {
            crash();
        } else if (op < 84 && volumes.size() > 1) {
            engine.deleteVolume(v);
            volumes.remove(v);
            snapshots.keySet().removeIf(k -> k.startsWith(v + "@"));
            durable();
        } else if (op < 85) {
            resize(v);
        } else {
            read(v);
        }
    }

    private void createVolume() {
        String name = "vol" + step;
        long size = (long) BS * (16 + rnd.nextInt(rnd.nextInt(4) == 0 ? 2000 : 300));
        boolean lz4 = rnd.nextBoolean();
        engine.createVolume(new VolumeSpec(name, size, lz4));
        // idempotent create with the same spec
        assertEquals(size, engine.createVolume(new VolumeSpec(name, size, lz4)).sizeBytes());
        volumes.put(name, new byte[(int) size]);
    }

    private void write(String v) {
        byte[] model = volumes.get(v);
        int sectors = model.length / 512;
        int len = 1 + rnd.nextInt(Math.min(sectors, rnd.nextInt(5) == 0 ? 600 : 24));
        int off = rnd.nextInt(sectors - len + 1);
        byte[] data = new byte[len * 512];
        if (rnd.nextBoolean()) {
            rnd.nextBytes(data);
        } else {
            Arrays.fill(data, (byte) rnd.nextInt(4));
            data[rnd.nextInt(data.length)] = (byte) step;
        }
        boolean fua = rnd.nextInt(8) == 0;
        noteUncertain(v, off * 512L, data.length, () -> System.arraycopy(data, 0, model, off * 512, data.length));
        engine.volume(v).write(off * 512L, ByteBuffer.wrap(data), fua).join();
        if (fua) {
            durable();
        }
    }

    private void unmap(String v) {
        byte[] model = volumes.get(v);
        int sectors = model.length / 512;
        int len = 1 + rnd.nextInt(sectors);
        int off = rnd.nextInt(sectors - len + 1);
        noteUncertain(v, off * 512L, len * 512, () -> Arrays.fill(model, off * 512, off * 512 + len * 512, (byte) 0));
        engine.volume(v).unmap(off * 512L, len * 512L).join();
        if (len * 512L / BS > BlockEngine.SMALL_TRIM_BLOCKS) {
            durable(); // large unmaps checkpoint at once
        }
    }

    /** Records the blocks' possible post-crash values around a change applied by {@code change}. */
    private void noteUncertain(String v, long off, int len, Runnable change) {
        byte[] model = volumes.get(v);
        Map<Integer, List<byte[]>> u = uncertain.computeIfAbsent(v, k -> new HashMap<>());
        int first = (int) (off / BS);
        int last = (int) ((off + len - 1) / BS);
        for (int b = first; b <= last; b++) {
            u.computeIfAbsent(b, k -> new ArrayList<>()).add(block(model, b));
        }
        change.run();
        for (int b = first; b <= last; b++) {
            u.get(b).add(block(model, b));
        }
    }

    private static byte[] block(byte[] model, int b) {
        return Arrays.copyOfRange(model, b * BS, b * BS + BS);
    }

    private void durable() {
        uncertain.clear();
    }

    private void read(String v) {
        byte[] model = volumes.get(v);
        int sectors = model.length / 512;
        int len = 1 + rnd.nextInt(Math.min(sectors, 700));
        int off = rnd.nextInt(sectors - len + 1);
        ByteBuffer dst = rnd.nextBoolean() ? ByteBuffer.allocate(len * 512) : ByteBuffer.allocateDirect(len * 512);
        engine.volume(v).read(off * 512L, dst);
        byte[] got = new byte[len * 512];
        dst.flip().get(got);
        assertArrayEquals(Arrays.copyOfRange(model, off * 512, off * 512 + len * 512), got,
                "read of " + v + " at sector " + off + " x" + len);
    }

    private void snapshot(String v) {
        String name = "s" + step;
        engine.createSnapshot(v, name);
        snapshots.put(v + "@" + name, volumes.get(v).clone());
        durable();
    }

    private List<String> snapsOf(String v) {
        return snapshots.keySet().stream().filter(k -> k.startsWith(v + "@")).toList();
    }

    private void cloneOf(String v) {
        List<String> s = snapsOf(v);
        if (s.isEmpty() || volumes.size() >= 6) {
            return;
        }
        String key = pick(s);
        String name = "clone" + step;
        engine.cloneSnapshot(v, key.substring(key.indexOf('@') + 1), name);
        volumes.put(name, snapshots.get(key).clone());
    }

    private void revert(String v) {
        List<String> s = snapsOf(v);
        if (s.isEmpty()) {
            return;
        }
        String key = pick(s);
        engine.revert(v, key.substring(key.indexOf('@') + 1));
        volumes.put(v, snapshots.get(key).clone());
        durable();
    }

    private void deleteSnapshot(String v) {
        List<String> s = snapsOf(v);
        if (s.isEmpty()) {
            return;
        }
        String key = pick(s);
        engine.deleteSnapshot(v, key.substring(key.indexOf('@') + 1));
        snapshots.remove(key);
    }

    private void resize(String v) {
        byte[] model = volumes.get(v);
        long size = (long) BS * (16 + rnd.nextInt(600));
        engine.resize(v, size);
        volumes.put(v, Arrays.copyOf(model, (int) size));
        durable();
    }

    private void crash() throws IOException {
        SegmentLog.Position[] pos = engine.crash();
        SegmentLog.Position synced = pos[0];
        SegmentLog.Position end = pos[1];
        long from = synced.segment() == end.segment() ? synced.offset() : 0;
        if (end.offset() > from) {
            long cut = from + (long) (rnd.nextDouble() * (end.offset() - from));
            try (FileChannel ch = FileChannel.open(Segment.pathOf(dir.resolve("segments"), end.segment()), StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate((int) (end.offset() - cut)), cut);
            }
        }
        engine = open();
        for (Map.Entry<String, Map<Integer, List<byte[]>>> e : uncertain.entrySet()) {
            byte[] model = volumes.get(e.getKey());
            if (model == null) {
                continue;
            }
            for (Map.Entry<Integer, List<byte[]>> b : e.getValue().entrySet()) {
                if ((long) (b.getKey() + 1) * BS > model.length) {
                    continue;
                }
                ByteBuffer dst = ByteBuffer.allocate(BS);
                engine.volume(e.getKey()).read((long) b.getKey() * BS, dst);
                byte[] got = dst.array();
                boolean known = b.getValue().stream().anyMatch(c -> Arrays.equals(c, got));
                assertTrue(known, "after crash, block " + b.getKey() + " of " + e.getKey() + " holds a value it never had");
                System.arraycopy(got, 0, model, b.getKey() * BS, BS);
            }
        }
        durable();
        verifyAll();
    }

    private void verifyAll() {
        assertEquals(volumes.keySet(), new java.util.TreeSet<>(engine.listVolumes().stream().map(VolumeInfo::name).toList()));
        for (Map.Entry<String, byte[]> e : volumes.entrySet()) {
            assertEquals(e.getValue().length, engine.info(e.getKey()).sizeBytes());
            ByteBuffer dst = ByteBuffer.allocate(e.getValue().length);
            engine.volume(e.getKey()).read(0, dst);
            assertArrayEquals(e.getValue(), dst.array(), "content of " + e.getKey());
        }
        for (Map.Entry<String, byte[]> e : snapshots.entrySet()) {
            String[] vs = e.getKey().split("@");
            ByteBuffer dst = ByteBuffer.allocate(e.getValue().length);
            engine.readSnapshot(vs[0], vs[1], 0, dst);
            assertArrayEquals(e.getValue(), dst.array(), "content of snapshot " + e.getKey());
        }
    }

    private <T> T pick(java.util.Collection<T> c) {
        List<T> l = new ArrayList<>(c);
        return l.get(rnd.nextInt(l.size()));
    }
}
