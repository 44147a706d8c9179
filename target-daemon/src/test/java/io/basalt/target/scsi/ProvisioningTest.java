package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** UNMAP, WRITE SAME and GET LBA STATUS against the engine's thin provisioning. */
class ProvisioningTest extends LunTest {
    private static final int BS = 512;
    private static final int MAPPED = 0;
    private static final int DEALLOCATED = 1;
    @Override
    long volumeBytes() {
        return 64 << 20; // 128 Ki blocks: room for a 64 Ki-block WRITE SAME
    }

    /** Descriptors of a GET LBA STATUS answer as {lba, blocks, status}. */
    private long[][] lbaStatus(long lba, int allocation) {
        Response r = h.run(A, Cdbs.getLbaStatus(lba, allocation)).assertGood();
        int n = (r.data().length - 8) / 16;
        long[][] d = new long[n][];
        for (int i = 0; i < n; i++) {
            d[i] = new long[] {r.u64(8 + 16 * i), r.u32(16 + 16 * i), r.u8(20 + 16 * i) & 0x0f};
        }
        return d;
    }

    @Test
    void unmapDeallocatesAndTheRangeReadsZeros() {
        h.write(A, 0, Cdbs.filled(0xa5, 64 * BS));
        byte[] list = Cdbs.unmapList(new long[] {8, 16}, new long[] {40, 8});
        h.run(A, Cdbs.unmap(list.length), list).assertGood();

        assertArrayEquals(new byte[16 * BS], h.read(A, 8, 16));
        assertArrayEquals(Cdbs.filled(0xa5, 8 * BS), h.read(A, 0, 8));
        long[][] d = lbaStatus(0, 1024);
        assertArrayEquals(new long[] {0, 8, MAPPED}, d[0]);
        assertArrayEquals(new long[] {8, 16, DEALLOCATED}, d[1]);
        assertArrayEquals(new long[] {24, 16, MAPPED}, d[2]);
        assertArrayEquals(new long[] {40, 8, DEALLOCATED}, d[3]);
        assertArrayEquals(new long[] {48, 16, MAPPED}, d[4]);
        assertEquals(DEALLOCATED, d[5][2], "never written");
        assertEquals(h.blocks(), d[5][0] + d[5][1], "the tail is one coalesced extent");
    }

    @Test
    void lbaStatusStartsAtTheRequestedLbaAndRespectsTheAllocationLength() {
        h.write(A, 0, Cdbs.filled(1, 8 * BS));
        long[][] d = lbaStatus(3, 24);
        assertEquals(1, d.length);
        assertArrayEquals(new long[] {3, 5, MAPPED}, d[0]);
        assertEquals(20, h.run(A, Cdbs.getLbaStatus(3, 24)).assertGood().u32(0), "PARAMETER DATA LENGTH");
        h.run(A, Cdbs.getLbaStatus(h.blocks(), 24)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(A, Cdbs.getLbaStatus(-1L, 24)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
    }

    @Test
    void unmapValidatesEveryDescriptorBeforeTouchingAny() {
        h.write(A, 0, Cdbs.filled(7, 16 * BS));
        byte[] list = Cdbs.unmapList(new long[] {0, 8}, new long[] {h.blocks() - 1, 2});
        h.run(A, Cdbs.unmap(list.length), list).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        assertArrayEquals(Cdbs.filled(7, 8 * BS), h.read(A, 0, 8), "first range untouched");
    }

    @Test
    void unmapEdgeCases() {
        h.run(A, Cdbs.unmap(0)).assertGood();
        byte[] empty = Cdbs.unmapList();
        h.run(A, Cdbs.unmap(empty.length), empty).assertGood();
        byte[] zero = Cdbs.unmapList(new long[] {h.blocks(), 0});
        h.run(A, Cdbs.unmap(zero.length), zero).assertGood();
        h.run(A, Cdbs.unmap(4), new byte[4]).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
        byte[] anchor = Cdbs.unmap(empty.length);
        anchor[1] = 0x01;
        h.run(A, anchor, empty).assertInvalidField(1);
        long[][] overlapping = new long[40][];
        java.util.Arrays.fill(overlapping, new long[] {0, h.blocks()}); // 40 x 128 Ki blocks > MAXIMUM UNMAP LBA COUNT
        byte[] tooMuch = Cdbs.unmapList(overlapping);
        h.run(A, Cdbs.unmap(tooMuch.length), tooMuch)
                .assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
    }

    @Test
    void writeSameWithUnmapDeallocatesAndReadsZeros() {
        h.write(A, 0, Cdbs.filled(0xff, 32 * BS));
        h.run(A, Cdbs.writeSame16(8, 16, true, false), new byte[BS]).assertGood();
        assertArrayEquals(new byte[16 * BS], h.read(A, 8, 16));
        assertArrayEquals(new long[] {8, 16, DEALLOCATED}, lbaStatus(8, 24)[0]);
        h.run(A, Cdbs.writeSame10(24, 8, 0x08), new byte[BS]).assertGood();
        assertArrayEquals(new byte[8 * BS], h.read(A, 24, 8));
        assertArrayEquals(Cdbs.filled(0xff, 8 * BS), h.read(A, 0, 8));
    }

    @Test
    void writeSameReplicatesAPatternBlock() {
        byte[] block = Cdbs.pattern(5, BS);
        int blocks = 3000; // more than one 1 MiB chunk
        h.run(A, Cdbs.writeSame16(100, blocks, false, false), block).assertGood();
        byte[] back = h.read(A, 100, blocks);
        for (int i = 0; i < blocks; i++) {
            assertArrayEquals(block, java.util.Arrays.copyOfRange(back, i * BS, (i + 1) * BS), "block " + i);
        }
        assertArrayEquals(new byte[BS], h.read(A, 100 + blocks, 1));
        h.run(A, Cdbs.writeSame10((int) h.blocks() - 1, 1, 0), block).assertGood();
        assertArrayEquals(block, h.read(A, h.blocks() - 1, 1));
    }

    @Test
    void writeSameNdobWritesZerosWithoutDataOut() {
        h.write(A, 0, Cdbs.filled(3, 8 * BS));
        h.run(A, Cdbs.writeSame16(0, 8, false, true)).assertGood();
        assertArrayEquals(new byte[8 * BS], h.read(A, 0, 8));
    }

    @Test
    void writeSameRefusals() {
        byte[] block = new byte[BS];
        h.run(A, Cdbs.writeSame16(0, 0, false, false), block).assertInvalidField(10); // WSNZ=1
        h.run(A, Cdbs.writeSame16(0, 0x10000, true, false), block).assertInvalidField(10);
        h.run(A, Cdbs.writeSame10(0, 1, 0x10), block).assertInvalidField(1); // ANCHOR
        h.run(A, Cdbs.writeSame10(0, 1, 0x18), block).assertInvalidField(1);
        h.run(A, Cdbs.writeSame16(h.blocks(), 1, false, false), block)
                .assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(A, Cdbs.writeSame10(0, 1, 0x08), new byte[BS], 2 * BS)
                .assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT);
    }
}
