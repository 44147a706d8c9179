package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** ORWRITE (16), PRE-FETCH (10)/(16) and READ DEFECT DATA (10)/(12) over the real engine. */
class OrWriteTest extends LunTest {
    private static final int BS = 512;

    private static byte[] or(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] | b[i]);
        }
        return out;
    }

    @Test
    void orWriteStoresTheOrOfTheStoredAndTheSentBytes() {
        // LBAs 3..13: parts of two 4 KiB engine blocks, so the write merges partial blocks too.
        byte[] stored = Cdbs.pattern(7, 11 * BS);
        h.write(A, 3, stored);
        byte[] sent = Cdbs.pattern(8, 11 * BS);
        h.run(A, Cdbs.rw16(0x8b, 3, 11, 0), sent).assertGood();
        assertArrayEquals(or(stored, sent), h.read(A, 3, 11));
        assertArrayEquals(new byte[3 * BS], h.read(A, 0, 3), "blocks before the range are untouched");

        byte[] unwritten = Cdbs.pattern(9, 2 * BS);
        h.run(A, Cdbs.rw16(0x8b, 100, 2, 0x08), unwritten).assertGood(); // FUA; unmapped blocks read zeros
        assertArrayEquals(unwritten, h.read(A, 100, 2));
    }

    @Test
    void orWriteChecksItsCdbLikeAWrite() {
        h.run(A, Cdbs.rw16(0x8b, 0, 1, 0x20), new byte[BS]).assertInvalidField(1); // ORPROTECT
        h.run(A, Cdbs.rw16(0x8b, h.blocks(), 1, 0), new byte[BS]).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(A, Cdbs.rw16(0x8b, h.blocks(), 0, 0)).assertGood();
        h.run(A, Cdbs.rw16(0x8b, h.blocks() + 1, 0, 0)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        assertEquals(4 * BS, h.dispatcher.dataOutLength(Cdbs.rw16(0x8b, 0, 4, 0), BS));
    }

    /** Eight writers each OR in one bit of every byte of the same blocks: no update may be lost. */
    @Test
    void concurrentOrWritesOfTheSameBlocksLoseNoBit() {
        List<CompletableFuture<Response>> all = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            h.write(A, 40, new byte[8 * BS]);
            all.clear();
            for (int bit = 0; bit < 8; bit++) {
                byte[] one = Cdbs.filled(1 << bit, 8 * BS);
                all.add(CompletableFuture.supplyAsync(() -> h.run(A, Cdbs.rw16(0x8b, 40, 8, 0), one)));
            }
            all.forEach(f -> f.join().assertGood());
            assertArrayEquals(Cdbs.filled(0xff, 8 * BS), h.read(A, 40, 8), "round " + round);
        }
    }

    @Test
    void preFetchChecksTheRangeAndChangesNothing() {
        byte[] data = Cdbs.pattern(10, 16 * BS);
        h.write(A, 8, data);
        h.run(A, Cdbs.rw10(0x34, 8, 16, 0)).assertGood();
        h.run(A, Cdbs.rw16(0x90, 8, 16, 0x02)).assertGood();
        h.run(A, Cdbs.rw10(0x34, 0, 0, 0)).assertGood(); // 0: to the end of the medium
        h.run(A, Cdbs.rw16(0x90, h.blocks() - 1, 1, 0)).assertGood();
        h.run(A, Cdbs.rw16(0x90, h.blocks() - 1, 2, 0)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(A, Cdbs.rw10(0x34, h.blocks() + 1, 0, 0)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(A, Cdbs.rw10(0x34, 0xffffffffL, 1, 0)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        assertArrayEquals(data, h.read(A, 8, 16));
    }

    @Test
    void defectListsAreEmptyInTheFormatAskedFor() {
        Response ten = h.run(A, Cdbs.cdb(0x37, 0, 0x18 | 0x05, 0, 0, 0, 0, 0, 32, 0));
        ten.assertGood();
        assertEquals(4, ten.data().length);
        assertEquals(0x1d, ten.u8(1), "PLISTV, GLISTV and the format asked for");
        assertEquals(0, ten.u16(2), "no defects");

        Response twelve = h.run(A, Cdbs.cdb(0xb7, 0x10 | 0x03, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0));
        twelve.assertGood();
        assertEquals(8, twelve.data().length);
        assertEquals(0x13, twelve.u8(1));
        assertEquals(0, twelve.u32(4));

        assertEquals(2, h.run(A, Cdbs.cdb(0xb7, 0x08, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0)).data().length, "cut to the allocation length");
    }
}
