package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VerifyTest extends LunTest {
    private static final int BS = 512;

    @Test
    void byteCheckComparesWithTheDataOut() {
        byte[] d = Cdbs.pattern(1, 16 * BS);
        h.write(A, 32, d);
        h.run(A, Cdbs.verify16(32, 16, 1), d).assertGood();
        byte[] changed = d.clone();
        changed[5 * BS + 17] ^= 'X';
        Response r = h.run(A, Cdbs.verify16(32, 16, 1), changed);
        r.assertSense(SenseKey.MISCOMPARE, Asc.MISCOMPARE_DURING_VERIFY);
        assertEquals(5 * BS + 17, r.information());
        h.run(A, Cdbs.rw10(0x2f, 32, 16, 0x02), d).assertGood();
        h.run(A, Cdbs.rw12(0xaf, 32, 16, 0x02), changed).assertSense(SenseKey.MISCOMPARE, Asc.MISCOMPARE_DURING_VERIFY);
    }

    @Test
    void byteCheckZeroOnlyReadsTheMedium() {
        h.write(A, 0, Cdbs.pattern(2, 8 * BS));
        h.run(A, Cdbs.verify16(0, 8, 0)).assertGood();
        h.run(A, Cdbs.verify16(0, h.blocks(), 0)).assertGood();
        h.run(A, Cdbs.verify16(h.blocks(), 1, 0)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
    }

    @Test
    void byteCheckThreeComparesEveryBlockWithOne() {
        byte[] block = Cdbs.pattern(3, BS);
        h.run(A, Cdbs.writeSame16(50, 4, false, false), block).assertGood();
        h.run(A, Cdbs.verify16(50, 4, 3), block).assertGood();
        Response r = h.run(A, Cdbs.verify16(50, 5, 3), block);
        r.assertSense(SenseKey.MISCOMPARE, Asc.MISCOMPARE_DURING_VERIFY);
        int firstNonZero = 0;
        while (block[firstNonZero] == 0) {
            firstNonZero++;
        }
        assertEquals(4L * BS + firstNonZero, r.information(), "block 54 was never written: zeros");
        h.run(A, Cdbs.verify16(0, 1, 2)).assertInvalidField(1);
    }

    /** Longer than 8 MiB, a compare with one block goes piece by piece and still finds the first difference. */
    @Test
    void byteCheckThreeOverTheWholeLuFindsTheFirstDifference() {
        long blocks = h.blocks();
        h.run(A, Cdbs.verify16(0, blocks, 3), new byte[BS]).assertGood(); // never written: zeros
        byte[] one = new byte[BS];
        one[7] = 1;
        h.write(A, 30_001, one);
        Response r = h.run(A, Cdbs.verify16(0, blocks, 3), new byte[BS]);
        r.assertSense(SenseKey.MISCOMPARE, Asc.MISCOMPARE_DURING_VERIFY);
        assertEquals(30_001L * BS + 7, r.information());
    }

    @Test
    void writeAndVerifyWritesDurablyAndChecks() {
        byte[] d = Cdbs.pattern(4, 4 * BS);
        h.run(A, Cdbs.rw10(0x2e, 10, 4, 0x02), d).assertGood();
        assertArrayEquals(d, h.read(A, 10, 4));
        byte[] e = Cdbs.pattern(5, 2 * BS);
        h.run(A, Cdbs.rw16(0x8e, 20, 2, 0), e).assertGood();
        assertArrayEquals(e, h.read(A, 20, 2));
    }

    @Test
    void dataOutLengthFollowsByteCheck() {
        ScsiDispatcher d = h.dispatcher;
        assertEquals(0, d.dataOutLength(Cdbs.verify16(0, 8, 0), BS));
        assertEquals(8 * BS, d.dataOutLength(Cdbs.verify16(0, 8, 1), BS));
        assertEquals(BS, d.dataOutLength(Cdbs.verify16(0, 8, 3), BS));
    }
}
