package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReadWriteTest extends LunTest {
    private static final int BS = 512;

    @Test
    void everyCdbSizeWritesAndReadsBack() {
        byte[] d6 = Cdbs.pattern(6, 3 * BS);
        h.run(A, Cdbs.write6(10, 3), d6).assertGood();
        assertArrayEquals(d6, h.run(A, Cdbs.read6(10, 3)).assertGood().data());

        byte[] d10 = Cdbs.pattern(10, 5 * BS);
        h.run(A, Cdbs.write10(100, 5), d10).assertGood();
        assertArrayEquals(d10, h.run(A, Cdbs.read10(100, 5)).assertGood().data());

        byte[] d12 = Cdbs.pattern(12, 9 * BS);
        h.run(A, Cdbs.rw12(0xaa, 1000, 9, 0), d12).assertGood();
        assertArrayEquals(d12, h.run(A, Cdbs.rw12(0xa8, 1000, 9, 0)).assertGood().data());

        byte[] d16 = Cdbs.pattern(16, 17 * BS);
        h.run(A, Cdbs.write16(h.blocks() - 17, 17, false), d16).assertGood();
        assertArrayEquals(d16, h.run(A, Cdbs.read16(h.blocks() - 17, 17)).assertGood().data());
    }

    @Test
    void fuaAndDpoWritesAreAcceptedAndReadable() {
        byte[] d = Cdbs.pattern(1, 8 * BS);
        h.run(A, Cdbs.rw10(0x2a, 0, 8, 0x18), d).assertGood();
        assertArrayEquals(d, h.run(A, Cdbs.rw10(0x28, 0, 8, 0x18)).assertGood().data());
    }

    @Test
    void sixByteTransferLengthZeroMeans256Blocks() {
        byte[] d = Cdbs.pattern(2, 256 * BS);
        h.run(A, Cdbs.write6(0, 0), d).assertGood();
        Response r = h.run(A, Cdbs.read6(0, 0)).assertGood();
        assertEquals(256 * BS, r.data().length);
        assertArrayEquals(d, r.data());
    }

    @Test
    void zeroLengthTransfersAreNotErrors() {
        assertEquals(0, h.run(A, Cdbs.read10(0, 0)).assertGood().data().length);
        h.run(A, Cdbs.write16(h.blocks(), 0, false)).assertGood();
    }

    @Test
    void rangesBeyondTheCapacityAreLbaOutOfRange() {
        long n = h.blocks();
        h.run(A, Cdbs.read10(n - 1, 2)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(A, Cdbs.read16(n + 1, 0)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(A, Cdbs.read16(-1L, 1)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(A, Cdbs.read16(0x8000000000000000L, 1)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(A, Cdbs.write16(n, 1, false), new byte[BS]).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(A, Cdbs.read6(n, 1)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
    }

    @Test
    void protectionFieldsAreInvalidWithoutProtectionInformation() {
        h.run(A, Cdbs.rw10(0x28, 0, 1, 0x20)).assertInvalidField(1);
        h.run(A, Cdbs.rw16(0x8a, 0, 1, 0x40), new byte[BS]).assertInvalidField(1);
    }

    @Test
    void transfersAboveTheMaximumTransferLengthAreRefused() {
        long max = (8 << 20) / BS;
        h.run(A, Cdbs.read16(0, max + 1)).assertInvalidField(10);
    }

    @Test
    void shortDataOutWritesOnlyTheWholeBlocksReceived() {
        h.write(A, 0, Cdbs.filled('a', 2 * BS));
        h.run(A, Cdbs.write10(0, 2), Cdbs.filled('b', BS)).assertGood(); // EDTL one block, TL two
        byte[] back = h.read(A, 0, 2);
        assertArrayEquals(Cdbs.filled('b', BS), Arrays.copyOf(back, BS));
        assertArrayEquals(Cdbs.filled('a', BS), Arrays.copyOfRange(back, BS, 2 * BS));

        Response partial = h.run(A, Cdbs.write10(0, 1), Cdbs.filled('c', 200));
        partial.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT);
        assertArrayEquals(back, h.read(A, 0, 2), "a partial block writes nothing");
        h.run(A, Cdbs.write10(0, 1), null, 0).assertGood(); // no Data-Out at all: nothing to write
        assertArrayEquals(back, h.read(A, 0, 2));
    }

    @Test
    void compositeDataOutIsWrittenInOrder() {
        byte[] d = Cdbs.pattern(3, 6 * BS);
        for (int split : new int[] {2 * BS, 1000}) { // sector-aligned components, then a split mid-sector
            CompositeByteBuf out = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer();
            ByteBuf first = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(d, 0, split);
            ByteBuf second = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(d, split, d.length - split);
            out.addComponents(true, first, second);
            ScsiResult r = h.dispatcher.execute(h.lun, new ScsiTask(A, 0, Cdbs.write10(40, 6), d.length, out)).join();
            Response.of(r).assertGood();
            assertEquals(0, out.refCnt());
            assertArrayEquals(d, h.read(A, 40, 6));
            d = Cdbs.pattern(4, 6 * BS);
        }
    }

    @Test
    void synchronizeCacheChecksItsRangeAndFlushes() {
        h.run(A, Cdbs.rw10(0x35, 0, 0, 0)).assertGood();
        h.run(A, Cdbs.rw16(0x91, 0, h.blocks(), 0x02)).assertGood();
        h.run(A, Cdbs.rw16(0x91, h.blocks(), 1, 0)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
    }

    @Test
    void fourKiBLogicalBlocksWork() throws Exception {
        h.close();
        h = new ScsiHarness(dir.resolve("4k"), 8 << 20, 4096);
        h.clearAttentions(A);
        byte[] d = Cdbs.pattern(9, 3 * 4096);
        h.run(A, Cdbs.write10(7, 3), d).assertGood();
        assertArrayEquals(d, h.run(A, Cdbs.read10(7, 3)).assertGood().data());
        assertArrayEquals(Arrays.copyOf(new byte[0], 4096), h.read(A, 0, 1));
    }

    @Test
    void readsFromMemoryCompleteAtOnceAndOthersAreLeftToWorkers() throws Exception {
        byte[] d = Cdbs.pattern(3, 16 * BS);
        h.write(A, 64, d);
        Response now = h.tryNow(A, Cdbs.read16(64, 16));
        assertNotNull(now, "data just written is in memory");
        assertArrayEquals(d, now.assertGood().data());
        assertArrayEquals(new byte[8 * BS], h.tryNow(A, Cdbs.read10(4096, 8)).assertGood().data());
        h.tryNow(A, Cdbs.read16(h.blocks(), 1)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        // A write of whole 4 KiB blocks is appended at once; a partial block (merged with
        // stored data) and one over 16 KiB are left to a worker, with nothing written.
        byte[] w = Cdbs.pattern(4, 8 * BS);
        h.tryWriteStarted(A, Cdbs.write16(128, 8, true), w).assertGood();
        assertArrayEquals(w, h.read(A, 128, 8));
        assertNull(h.tryWrite(A, Cdbs.write16(200, 1, false), Cdbs.pattern(5, BS)), "a partial 4 KiB block");
        assertArrayEquals(new byte[BS], h.read(A, 200, 1), "nothing written");
        assertNull(h.tryWrite(A, Cdbs.write16(256, 64, false), Cdbs.pattern(6, 64 * BS)), "over 16 KiB");
        assertNull(h.tryNow(A, Cdbs.read16(64, 64)), "reads over 16 KiB go to a worker, even from memory");
        assertNull(h.tryNow(A, Cdbs.testUnitReady()), "only commands with a non-blocking form run at once");
        // A new nexus first sees its power-on unit attention, at once too.
        h.tryNow(ScsiHarness.B, Cdbs.read16(64, 1)).assertSense(SenseKey.UNIT_ATTENTION, Asc.POWER_ON_RESET_OR_BUS_DEVICE_RESET);
        assertArrayEquals(Arrays.copyOf(d, BS), h.tryNow(ScsiHarness.B, Cdbs.read16(64, 1)).assertGood().data());
    }

    @Test
    void aWriteStartedAtOnceNeitherWaitsForNorOvertakesACompareAndWrite() throws Exception {
        byte[] w = Cdbs.pattern(7, 8 * BS);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread caw = holding(h.lun.exclusiveWrites(), held, release); // a COMPARE AND WRITE running
        assertTrue(held.await(10, TimeUnit.SECONDS));
        assertNull(h.tryWrite(A, Cdbs.write16(0, 8, false), w), "the LU's writes are held");
        release.countDown();
        caw.join();
        // A write on a worker holds the shared side; a COMPARE AND WRITE queues behind it. A
        // write started at once must not slip past the queued one (it could keep it waiting).
        CountDownLatch sharedHeld = new CountDownLatch(1);
        CountDownLatch sharedRelease = new CountDownLatch(1);
        Thread worker = holding(h.lun.sharedWrites(), sharedHeld, sharedRelease);
        assertTrue(sharedHeld.await(10, TimeUnit.SECONDS));
        CountDownLatch exclusiveHeld = new CountDownLatch(1);
        Thread queued = holding(h.lun.exclusiveWrites(), exclusiveHeld, new CountDownLatch(0));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (queued.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(Thread.State.WAITING, queued.getState(), "the COMPARE AND WRITE waits");
        assertNull(h.tryWrite(A, Cdbs.write16(0, 8, false), w), "a COMPARE AND WRITE waits for the LU's writes");
        sharedRelease.countDown();
        worker.join();
        queued.join();
        assertEquals(0, exclusiveHeld.getCount(), "it ran");
        h.tryWriteStarted(A, Cdbs.write16(0, 8, false), w).assertGood();
        assertArrayEquals(w, h.read(A, 0, 8));
    }

    /** A thread that takes {@code lock}, counts {@code held} down, and keeps it until {@code release}. */
    private static Thread holding(java.util.concurrent.locks.Lock lock, CountDownLatch held, CountDownLatch release) {
        Thread t = new Thread(() -> {
            lock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
