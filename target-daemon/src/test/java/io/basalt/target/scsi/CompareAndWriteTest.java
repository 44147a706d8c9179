package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static io.basalt.target.scsi.ScsiHarness.B;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CompareAndWriteTest extends LunTest {
    private static final int BS = 512;

    @Override
    List<Nexus> startClean() {
        return List.of(A, B);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }

    @Test
    void matchingDataIsReplaced() {
        byte[] old = Cdbs.filled('A', BS);
        byte[] replacement = Cdbs.filled('B', BS);
        h.write(A, 9, old);
        h.run(A, Cdbs.compareAndWrite(9, 1), concat(old, replacement)).assertGood();
        assertArrayEquals(replacement, h.read(A, 9, 1));
    }

    @Test
    void unwrittenBlocksCompareAsZeros() {
        h.run(A, Cdbs.compareAndWrite(h.blocks() - 1, 1), concat(new byte[BS], Cdbs.filled(1, BS))).assertGood();
        assertArrayEquals(Cdbs.filled(1, BS), h.read(A, h.blocks() - 1, 1));
    }

    @Test
    void miscompareReportsTheFirstDifferingByteAndWritesNothing() {
        byte[] old = Cdbs.filled('A', BS);
        h.write(A, 0, old);
        byte[] verify = old.clone();
        verify[BS - 27] = 'C';
        Response r = h.run(A, Cdbs.compareAndWrite(0, 1), concat(verify, Cdbs.filled('B', BS)));
        r.assertSense(SenseKey.MISCOMPARE, Asc.MISCOMPARE_DURING_VERIFY);
        assertTrue(r.informationValid());
        assertEquals(BS - 27, r.information());
        assertArrayEquals(old, h.read(A, 0, 1));
    }

    @Test
    void refusals() {
        h.run(A, Cdbs.compareAndWrite(0, 2), new byte[4 * BS]).assertInvalidField(13);
        h.run(A, Cdbs.compareAndWrite(h.blocks(), 1), new byte[2 * BS])
                .assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(A, Cdbs.compareAndWrite(0, 1), new byte[2 * BS], 4 * BS).assertInvalidField(13);
        h.run(A, Cdbs.compareAndWrite(0, 0)).assertGood();
        // 256 blocks do not fit the one-byte field: NLB reads 0 but the Data-Out says otherwise.
        h.run(A, Cdbs.compareAndWrite(0, 0), new byte[512 * BS]).assertInvalidField(13);
    }

    /**
     * Two initiators increment a counter block with COMPARE AND WRITE while a third stream
     * writes the neighbouring block: every successful increment must be counted exactly once.
     */
    @Test
    void concurrentCompareAndWritesNeverLoseAnUpdate() throws Exception {
        h.write(A, 0, new byte[BS]);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> workers = new ArrayList<>();
            for (Nexus n : new Nexus[] {A, B}) {
                workers.add(pool.submit(() -> increments(n, 200)));
            }
            pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    h.run(A, Cdbs.write16(1, 1, false), Cdbs.filled(i, BS)).assertGood();
                }
            }).get();
            int successes = 0;
            for (Future<Integer> f : workers) {
                successes += f.get();
            }
            assertEquals(successes, ByteBuffer.wrap(h.read(A, 0, 1)).getLong());
            assertTrue(successes >= 200, "each worker succeeds at least when it runs alone: " + successes);
        } finally {
            pool.shutdownNow();
        }
    }

    private int increments(Nexus n, int attempts) {
        int ok = 0;
        for (int i = 0; i < attempts; i++) {
            byte[] current = h.read(n, 0, 1);
            byte[] next = new byte[BS];
            ByteBuffer.wrap(next).putLong(ByteBuffer.wrap(current).getLong() + 1);
            Response r = h.run(n, Cdbs.compareAndWrite(0, 1), concat(current, next));
            if (r.status() == ScsiResult.GOOD) {
                ok++;
            } else {
                r.assertSense(SenseKey.MISCOMPARE, Asc.MISCOMPARE_DURING_VERIFY);
            }
        }
        return ok;
    }
}
