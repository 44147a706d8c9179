package io.basalt.bench;

import io.basalt.engine.BlockEngine;
import io.basalt.engine.EngineConfig;
import io.basalt.engine.Volume;
import io.basalt.engine.VolumeSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Volume engine against a plain preallocated file written with FileChannel, same disk, same
 * run, same access pattern. Prints one row per case with both figures and their ratio.
 *
 * <pre>java -cp ... io.basalt.bench.EngineBench DIR [SECONDS_PER_CASE]</pre>
 */
public final class EngineBench {
    private static final int BS = 4096;
    private static final long SPAN = 256L << 20; // the region written and read

    interface Target {
        void write(long off, ByteBuffer b, boolean durable) throws IOException;

        void read(long off, ByteBuffer b) throws IOException;

        void flush() throws IOException;
    }

    interface Op {
        void run(ThreadLocalRandom r, ByteBuffer buf) throws IOException;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench-data");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        boolean prealloc = !"false".equals(System.getProperty("basalt.preallocate"));
        deleteTree(dir);
        Files.createDirectories(dir);
        Path file = dir.resolve("plain.img");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
             BlockEngine engine = BlockEngine.open(dir.resolve("engine"), EngineConfig.defaults().readCacheBytes(0).preallocateSegments(prealloc))) {
            fill(ch);
            Volume vol = engine.createVolume(new VolumeSpec("bench", SPAN, false));
            Target plain = plain(ch);
            Target basalt = basalt(vol);
            System.out.printf("%-34s %14s %14s %8s%n", "case (4 KiB unless noted)", "basalt", "plain file", "ratio");
            seqRow(engine, ch);
            row("rand write qd1", seconds, 1, basalt, plain, (t, r, b) -> t.write(randomBlock(r), b, false));
            row("rand write qd32", seconds, 32, basalt, plain, (t, r, b) -> t.write(randomBlock(r), b, false));
            row("rand write durable qd1", seconds, 1, basalt, plain, (t, r, b) -> t.write(randomBlock(r), b, true));
            row("rand write durable qd32", seconds, 32, basalt, plain, (t, r, b) -> t.write(randomBlock(r), b, true));
            fillVolume(vol); // every block read below is stored, as in the plain file
            row("rand read qd1", seconds, 1, basalt, plain, (t, r, b) -> t.read(randomBlock(r), b));
            row("rand read qd32", seconds, 32, basalt, plain, (t, r, b) -> t.read(randomBlock(r), b));
            BlockEngine.Stats s = engine.stats();
            System.out.printf("engine: %d syncs for %d durable writes (group commit), %d checkpoints%n",
                    s.syncs(), s.syncedWrites(), s.checkpoints());
        }
        deleteTree(dir);
    }

    private interface Case {
        void run(Target t, ThreadLocalRandom r, ByteBuffer b) throws IOException;
    }

    /**
     * 1 GiB of new data in 1 MiB writes, the final flush included in the time. Neither side
     * may overwrite what it wrote in this case, so both have to get it all to the disk.
     */
    private static void seqRow(BlockEngine engine, FileChannel ch) throws IOException, InterruptedException {
        if (!selected("seq write")) {
            return;
        }
        long total = 1L << 30;
        Volume v = engine.createVolume(new VolumeSpec("seq", total, false));
        ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
        for (int k = 0; k < b.capacity(); k += 8) {
            b.putLong(k, k * 131L);
        }
        long t0 = System.nanoTime();
        for (long pos = 0; pos < total; pos += b.capacity()) {
            v.write(pos, b.clear(), false).join();
        }
        v.flush().join();
        double basalt = total / 1048576.0 / ((System.nanoTime() - t0) / 1e9);
        settle();
        t0 = System.nanoTime();
        for (long pos = 0; pos < total; pos += b.capacity()) {
            b.clear();
            while (b.hasRemaining()) {
                ch.write(b, SPAN + pos + b.position());
            }
        }
        ch.force(false);
        double plain = total / 1048576.0 / ((System.nanoTime() - t0) / 1e9);
        settle();
        System.out.printf("%-34s %14.0f %14.0f %7.2fx%n", "seq write 1 MiB qd1 (MiB/s)", basalt, plain, basalt / plain);
    }

    /**
     * Pause after every run ({@code -Dbench.settle=SECONDS}, default 3) so that one side's
     * write-back and background work (Basalt's checkpoints, zero-filling of spare segments)
     * does not run during the other side's measurement.
     */
    private static void settle() throws InterruptedException {
        Thread.sleep((long) (Double.parseDouble(System.getProperty("bench.settle", "3")) * 1000));
    }

    /** {@code -Dbench.cases=read,durable} runs only the cases whose names contain one of the words. */
    private static boolean selected(String name) {
        String only = System.getProperty("bench.cases", "");
        if (only.isBlank()) {
            return true;
        }
        for (String w : only.split(",")) {
            if (name.contains(w.trim())) {
                return true;
            }
        }
        return false;
    }

    private static long randomBlock(ThreadLocalRandom r) {
        return r.nextLong(SPAN / BS) * BS;
    }

    /**
     * {@code -Dbench.rounds=N} (default 3) measures each case N times, Basalt first in odd
     * rounds and the plain file first in even ones; the row shows the median of each side, the
     * ratio of the medians and every round's own ratio (this machine's run-to-run spread is
     * larger than many of the differences measured).
     */
    private static void row(String name, double seconds, int threads, Target basalt, Target plain, Case c)
            throws Exception {
        if (!selected(name)) {
            return;
        }
        int rounds = Integer.getInteger("bench.rounds", 3);
        double[] b = new double[rounds];
        double[] p = new double[rounds];
        StringBuilder each = new StringBuilder();
        for (int i = 0; i < rounds; i++) {
            boolean basaltFirst = i % 2 == 0;
            double first = run(basaltFirst ? basalt : plain, seconds, threads, BS, c);
            settle();
            double second = run(basaltFirst ? plain : basalt, seconds, threads, BS, c);
            settle();
            b[i] = basaltFirst ? first : second;
            p[i] = basaltFirst ? second : first;
            each.append(String.format(" %.2f", b[i] / p[i]));
        }
        double mb = median(b);
        double mp = median(p);
        System.out.printf("%-34s %14.0f %14.0f %7.2fx  rounds:%s%n", name + " (IOPS)", mb, mp, mb / mp, each);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Runs the case on {@code threads} threads for {@code seconds}; returns ops (or MiB for 1 MiB ops) per second. */
    private static double run(Target t, double seconds, int threads, int size, Case c) throws Exception {
        LongAdder ops = new LongAdder();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> ts = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Thread th = new Thread(() -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(size);
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int k = 0; k < size; k += 8) {
                    buf.putLong(k, r.nextLong());
                }
                try {
                    while (System.nanoTime() < end) {
                        buf.clear();
                        c.run(t, r, buf);
                        ops.increment();
                    }
                } catch (Throwable e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        t.flush();
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (!errors.isEmpty()) {
            throw new IllegalStateException("benchmark thread failed", errors.get(0));
        }
        return ops.sum() / elapsed;
    }

    private static Target plain(FileChannel ch) {
        return new Target() {
            @Override
            public void write(long off, ByteBuffer b, boolean durable) throws IOException {
                while (b.hasRemaining()) {
                    ch.write(b, off + b.position());
                }
                if (durable) {
                    ch.force(false);
                }
            }

            @Override
            public void read(long off, ByteBuffer b) throws IOException {
                while (b.hasRemaining()) {
                    ch.read(b, off + b.position());
                }
            }

            @Override
            public void flush() throws IOException {
                ch.force(false);
            }
        };
    }

    private static Target basalt(Volume v) {
        return new Target() {
            @Override
            public void write(long off, ByteBuffer b, boolean durable) {
                v.write(off, b, durable).join();
            }

            @Override
            public void read(long off, ByteBuffer b) {
                v.read(off, b);
            }

            @Override
            public void flush() {
                v.flush().join();
            }
        };
    }

    private static void fillVolume(Volume v) {
        ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
        for (int k = 0; k < b.capacity(); k += 8) {
            b.putLong(k, k * 31L + 7);
        }
        for (long pos = 0; pos < SPAN; pos += b.capacity()) {
            v.write(pos, b.clear(), false).join();
        }
        v.flush().join();
    }

    /** Preallocates the plain file with written zeros, as the engine's segments are. */
    private static void fill(FileChannel ch) throws IOException {
        ByteBuffer z = ByteBuffer.allocateDirect(1 << 20);
        for (long pos = 0; pos < SPAN; pos += z.capacity()) {
            z.clear();
            ch.write(z, pos);
        }
        ch.force(true);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
