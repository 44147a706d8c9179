package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static io.basalt.target.scsi.ScsiHarness.B;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MODE SENSE and MODE SELECT. */
class ModeTest extends LunTest {
    private static final int BS = 512;

    @Override
    List<Nexus> startClean() {
        return List.of(A, B);
    }

    @Test
    void cachingPageReportsAWriteBackCache() {
        Response r = h.run(A, Cdbs.modeSense6(0, 0x08, 255, false)).assertGood();
        assertEquals(r.data().length - 1, r.u8(0), "MODE DATA LENGTH");
        assertEquals(0x10, r.u8(2), "device-specific: WP=0, DPOFUA=1");
        assertEquals(8, r.u8(3), "one short block descriptor");
        assertEquals(h.blocks(), r.u32(4));
        assertEquals(BS, r.u32(8) & 0xffffff);
        assertEquals(0x08, r.u8(12), "page code");
        assertEquals(0x12, r.u8(13), "page length");
        assertEquals(0x04, r.u8(14) & 0x04, "WCE=1");
        assertEquals(12 + 20, r.data().length);
    }

    @Test
    void allPagesComeInAscendingOrderWithoutDescriptorsWhenDbd() {
        Response r = h.run(A, Cdbs.modeSense6(0, 0x3f, 255, true)).assertGood();
        assertEquals(0, r.u8(3));
        int[] codes = new int[3];
        int at = 4;
        for (int i = 0; i < 3; i++) {
            codes[i] = r.u8(at) & 0x3f;
            at += 2 + r.u8(at + 1);
        }
        assertArrayEquals(new int[] {0x08, 0x0a, 0x1c}, codes);
        assertEquals(r.data().length, at);
        assertEquals(4, h.run(A, Cdbs.modeSense6(0, 0x3f, 4, false)).assertGood().data().length, "allocation length");
    }

    @Test
    void modeSense10WithLongLbaUsesA16ByteDescriptor() {
        Response r = h.run(A, Cdbs.modeSense10(0, 0x0a, 1024, true)).assertGood();
        assertEquals(r.data().length - 2, r.u16(0));
        assertEquals(0x01, r.u8(4), "LONGLBA");
        assertEquals(16, r.u16(6));
        assertEquals(h.blocks(), r.u64(8));
        assertEquals(BS, r.u32(20));
        assertEquals(0x0a, r.u8(24));
        assertEquals(0, r.u8(26) & 0x04, "D_SENSE=0: fixed format sense");
        assertEquals(0x20, r.u8(26) & 0xe0, "TST=001b: a task set per I_T nexus");
        assertEquals(0x10, r.u8(27) & 0xf0, "QUEUE ALGORITHM MODIFIER 1");
    }

    @Test
    void pageControlChangeableDefaultAndSaved() {
        Response changeable = h.run(A, Cdbs.modeSense6(1, 0x3f, 255, true)).assertGood();
        assertEquals(0x04, changeable.u8(6), "Caching: only WCE is changeable");
        assertEquals(0x08, changeable.u8(4 + 20 + 4), "Control: only SWP is changeable");
        h.run(A, Cdbs.modeSense6(2, 0x08, 255, true)).assertGood();
        h.run(A, Cdbs.modeSense6(3, 0x08, 255, true))
                .assertSense(SenseKey.ILLEGAL_REQUEST, Asc.SAVING_PARAMETERS_NOT_SUPPORTED);
        h.run(A, Cdbs.modeSense6(0, 0x19, 255, true)).assertInvalidField(2);
    }

    private byte[] currentPageForSelect(int page) {
        byte[] sense = h.run(A, Cdbs.modeSense6(0, page, 255, true)).assertGood().data();
        byte[] p = Arrays.copyOf(sense, sense.length);
        p[0] = 0; // MODE DATA LENGTH is reserved in MODE SELECT
        p[2] = 0;
        return p;
    }

    @Test
    void softwareWriteProtectBlocksWritesUntilCleared() {
        byte[] p = currentPageForSelect(0x0a);
        p[4 + 4] |= 0x08;
        h.run(A, Cdbs.modeSelect6(p.length), p).assertGood();
        assertEquals(0x90, h.run(A, Cdbs.modeSense6(0, 0x0a, 255, true)).assertGood().u8(2), "WP now set");
        h.run(A, Cdbs.write10(0, 1), new byte[BS]).assertSense(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
        h.run(A, WriteAtomicTest.writeAtomic16(0, 1, 0, 0), new byte[BS]).assertSense(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
        h.run(A, WriteAtomicTest.writeAtomic16(0, 0, 0, 0)).assertSense(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
        h.run(A, Cdbs.rw16(0x8b, 0, 1, 0), new byte[BS]).assertSense(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED); // ORWRITE
        byte[] copy = ExtendedCopyTest.parameters(1, 0, List.of(ExtendedCopyTest.cscd(h.lun)),
                List.of(ExtendedCopyTest.segment(0, 0, 1, 0, 8)));
        h.run(A, ExtendedCopyTest.xcopyCdb(copy.length), copy).assertSense(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
        h.run(A, Cdbs.read10(0, 1)).assertGood();
        Response other = h.run(B, Cdbs.testUnitReady());
        other.assertSense(SenseKey.UNIT_ATTENTION, Asc.MODE_PARAMETERS_CHANGED);
        p[4 + 4] &= ~0x08;
        h.run(A, Cdbs.modeSelect6(p.length), p).assertGood();
        h.run(A, Cdbs.write10(0, 1), new byte[BS]).assertGood();
    }

    @Test
    void clearingWceMakesTheCacheWriteThrough() {
        byte[] p = currentPageForSelect(0x08);
        p[4 + 2] &= ~0x04;
        h.run(A, Cdbs.modeSelect6(p.length), p).assertGood();
        assertEquals(0, h.run(A, Cdbs.modeSense6(0, 0x08, 255, true)).u8(6) & 0x04);
        byte[] d = Cdbs.pattern(1, BS);
        h.write(A, 0, d);
        assertArrayEquals(d, h.read(A, 0, 1));
        h.lun.reset(B);
        h.clearAttentions(A);
        assertEquals(0x04, h.run(A, Cdbs.modeSense6(0, 0x08, 255, true)).u8(6) & 0x04, "reset restores defaults");
    }

    @Test
    void modeSelectRefusesChangesToFixedBitsAndBadLists() {
        byte[] p = currentPageForSelect(0x0a);
        p[4 + 2] |= 0x04; // D_SENSE is not changeable
        Response r = h.run(A, Cdbs.modeSelect6(p.length), p);
        r.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        assertEquals(6, r.fieldPointer());
        byte[] truncated = Arrays.copyOf(currentPageForSelect(0x08), 10);
        h.run(A, Cdbs.modeSelect6(truncated.length), truncated)
                .assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
        byte[] save = Cdbs.modeSelect6(p.length);
        save[1] |= 0x01;
        h.run(A, save, p).assertInvalidField(1);
        h.run(A, Cdbs.modeSelect6(0)).assertGood();
    }
}
