package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static io.basalt.target.scsi.ScsiHarness.B;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** WRITE ATOMIC (16) over the real engine. */
class WriteAtomicTest extends LunTest {
    private static final int BS = 512;
    private static final int MAX = 2041;

    static byte[] writeAtomic16(long lba, int blocks, int flags, int boundary) {
        byte[] b = new byte[16];
        b[0] = (byte) 0x9c;
        b[1] = (byte) flags;
        Cdbs.be(b, 2, 8, lba);
        Cdbs.be(b, 10, 2, boundary);
        Cdbs.be(b, 12, 2, blocks);
        return b;
    }

    @Test
    void writesUpToTheAdvertisedLengthFromAnyLba() {
        Response limits = h.run(A, Cdbs.inquiry(true, 0xb0, 64));
        assertEquals(MAX, limits.u32(44), "MAXIMUM ATOMIC TRANSFER LENGTH");
        assertEquals(0, limits.u32(48), "no alignment asked");
        assertEquals(WriteAtomic.maxBlocks(BS), MAX);
        assertEquals(256, WriteAtomic.maxBlocks(4096));

        byte[] data = Cdbs.pattern(31, MAX * BS);
        h.run(A, writeAtomic16(7, MAX, 0x08, 0), data).assertGood();
        assertArrayEquals(data, h.read(A, 7, MAX));
        assertEquals(MAX * BS, h.dispatcher.dataOutLength(writeAtomic16(7, MAX, 0, 0), BS));
    }

    @Test
    void refusesWhatItCannotWriteAtomically() {
        h.run(A, writeAtomic16(0, MAX + 1, 0, 0), new byte[(MAX + 1) * BS]).assertInvalidField(12);
        h.run(A, writeAtomic16(0, 8, 0, 8), new byte[8 * BS]).assertInvalidField(10); // ATOMIC BOUNDARY
        h.run(A, writeAtomic16(0, 1, 0x20, 0), new byte[BS]).assertInvalidField(1); // WRPROTECT
        h.run(A, writeAtomic16(h.blocks() - 1, 2, 0, 0), new byte[2 * BS]).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(A, writeAtomic16(h.blocks(), 0, 0, 0)).assertGood();
        h.run(A, writeAtomic16(h.blocks() + 1, 0, 0, 0)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);

        byte[] data = Cdbs.pattern(32, 16 * BS);
        h.run(A, writeAtomic16(100, 16, 0, 0), data, 16 * BS).assertGood();
        h.run(A, writeAtomic16(100, 16, 0, 0), new byte[8 * BS], 16 * BS)
                .assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT);
        assertArrayEquals(data, h.read(A, 100, 16), "a short Data-Out writes nothing");
    }

    /**
     * A writer alternates two patterns over 2,041 blocks with WRITE ATOMIC while readers read
     * the range, through the worker path and the event loop's non-blocking path: no read may
     * mix the two.
     */
    @Test
    void noReadSeesPartOfAnAtomicWrite() {
        h.clearAttentions(B);
        byte[] ones = Cdbs.filled(0x11, MAX * BS);
        byte[] twos = Cdbs.filled(0x22, MAX * BS);
        h.run(A, writeAtomic16(3, MAX, 0, 0), ones).assertGood();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> mixed = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger quickReads = new AtomicInteger();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            while (!done.get() && mixed.get() == null) {
                check(h.run(B, Cdbs.read16(3, MAX)).data(), "read", mixed);
                reads.incrementAndGet();
                Response quick = h.tryNow(B, Cdbs.read16(3 + 1000, 32)); // 16 KiB across four engine blocks
                if (quick != null) {
                    check(quick.data(), "non-blocking read", mixed);
                    quickReads.incrementAndGet();
                }
            }
        });
        // At least 300 writes, and on until both kinds of read ran often beside them (a busy
        // machine may starve the reader for a while), within a bound.
        for (int i = 0; mixed.get() == null && i < 20_000
                && (i < 300 || reads.get() <= 20 || quickReads.get() <= 20); i++) {
            h.run(A, writeAtomic16(3, MAX, 0, 0), i % 2 == 0 ? twos : ones).assertGood();
        }
        done.set(true);
        reader.join();
        assertNull(mixed.get());
        assertTrue(reads.get() > 10 && quickReads.get() > 10,
                () -> "reads ran beside the writes: " + reads + " on a worker, " + quickReads + " non-blocking");
    }

    private static void check(byte[] data, String what, AtomicReference<String> mixed) {
        for (int i = 1; i < data.length; i++) {
            if (data[i] != data[0]) {
                mixed.compareAndSet(null, what + " mixed the two patterns at byte " + i);
                return;
            }
        }
    }
}
