package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class InquiryTest extends LunTest {
    @Override
    long volumeBytes() {
        return 64 << 20;
    }

    @Override
    List<Nexus> startClean() {
        return List.of();
    }

    private String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.US_ASCII);
    }

    @Test
    void standardDataNamesBasaltAsAnSpc4DirectAccessDevice() {
        Response r = h.run(A, Cdbs.inquiry(false, 0, 255)).assertGood();
        assertEquals(74, r.data().length);
        assertEquals(0x00, r.u8(0), "PQ 000b, direct access");
        assertEquals(0x06, r.u8(2), "VERSION SPC-4");
        assertEquals(0x12, r.u8(3), "HISUP, response data format 2");
        assertEquals(r.data().length - 5, r.u8(4), "ADDITIONAL LENGTH");
        assertEquals(0x02, r.u8(7), "CMDQUE");
        assertEquals("BASALT  ", ascii(r.data(), 8, 16));
        assertEquals("Basalt Volume   ", ascii(r.data(), 16, 32));
        List<Integer> versions = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            versions.add(r.u16(58 + 2 * i));
        }
        assertTrue(versions.contains(0x0460), "claims SPC-4: " + versions);
        assertTrue(versions.contains(0x04c0), "claims SBC-3: " + versions);
    }

    @Test
    void allocationLengthTruncatesAndZeroReturnsNothing() {
        byte[] full = h.run(A, Cdbs.inquiry(false, 0, 255)).assertGood().data();
        assertArrayEquals(Arrays.copyOf(full, 5), h.run(A, Cdbs.inquiry(false, 0, 5)).assertGood().data());
        assertEquals(0, h.run(A, Cdbs.inquiry(false, 0, 0)).assertGood().data().length);
        assertArrayEquals(full, h.run(A, Cdbs.inquiry(false, 0, 256)).assertGood().data(), "16-bit allocation length");
    }

    @Test
    void pageCodeWithoutEvpdAndCmdDtAreInvalidFields() {
        h.run(A, Cdbs.inquiry(false, 0x80, 255)).assertInvalidField(2);
        byte[] cmddt = Cdbs.inquiry(false, 0, 255);
        cmddt[1] = 0x02;
        h.run(A, cmddt).assertInvalidField(1);
        h.run(A, Cdbs.inquiry(true, 0x42, 255)).assertInvalidField(2);
    }

    @Test
    void supportedPagesListEveryPageInOrder() {
        Response r = h.run(A, Cdbs.inquiry(true, 0x00, 255)).assertGood();
        assertArrayEquals(new byte[] {0, 0, 0, 6, 0x00, (byte) 0x80, (byte) 0x83, (byte) 0xb0, (byte) 0xb1, (byte) 0xb2},
                r.data());
    }

    @Test
    void unitSerialNumberIsTheDeviceIdInHex() {
        Response r = h.run(A, Cdbs.inquiry(true, 0x80, 255)).assertGood();
        assertEquals(0x80, r.u8(1));
        assertEquals(String.format("%016x", h.lun.device().id()), ascii(r.data(), 4, 4 + r.u16(2)));
    }

    @Test
    void deviceIdentificationCarriesNaaT10AndTargetPortDesignators() {
        Response r = h.run(A, Cdbs.inquiry(true, 0x83, 1024)).assertGood();
        assertEquals(r.data().length - 4, r.u16(2));
        // First designator: NAA, binary, LU association, 16 bytes, NAA 6h, device id in the low 8 bytes.
        assertEquals(0x01, r.u8(4));
        assertEquals(0x03, r.u8(5));
        assertEquals(16, r.u8(7));
        assertEquals(6, r.u8(8) >>> 4);
        assertEquals(h.lun.device().id(), r.u64(16));
        // Second: T10 vendor id, ASCII.
        int t10 = 8 + 16;
        assertEquals(0x02, r.u8(t10));
        assertEquals(0x01, r.u8(t10 + 1));
        assertTrue(ascii(r.data(), t10 + 4, t10 + 4 + r.u8(t10 + 3)).startsWith("BASALT  "));
        String all = new String(r.data(), StandardCharsets.US_ASCII);
        assertTrue(all.contains(ScsiHarness.TARGET + ",t,0x0001"), "SCSI name string of the target port");
    }

    @Test
    void blockLimitsAdvertiseTheEnforcedLimits() {
        Response r = h.run(A, Cdbs.inquiry(true, 0xb0, 255)).assertGood();
        assertEquals(0x3c, r.u16(2));
        assertEquals(0x01, r.u8(4), "WSNZ");
        assertEquals(1, r.u8(5), "MAXIMUM COMPARE AND WRITE LENGTH");
        assertEquals(8, r.u16(6), "OPTIMAL TRANSFER LENGTH GRANULARITY (4 KiB / 512)");
        assertEquals((8 << 20) / 512, r.u32(8), "MAXIMUM TRANSFER LENGTH: 8 MiB");
        assertEquals(1 << 20, r.u32(20), "MAXIMUM UNMAP LBA COUNT");
        assertEquals(4095, r.u32(24), "MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT");
        assertEquals(8, r.u32(28), "OPTIMAL UNMAP GRANULARITY");
        assertEquals(0xffff, r.u64(36), "MAXIMUM WRITE SAME LENGTH");
    }

    @Test
    void blockDeviceCharacteristicsSayNonRotating() {
        Response r = h.run(A, Cdbs.inquiry(true, 0xb1, 255)).assertGood();
        assertEquals(0xb1, r.u8(1));
        assertEquals(1, r.u16(4));
    }

    @Test
    void logicalBlockProvisioningIsThinWithUnmapAndZeroedReads() {
        Response r = h.run(A, Cdbs.inquiry(true, 0xb2, 255)).assertGood();
        assertEquals(0xb2, r.u8(1));
        assertEquals(0x80 | 0x40 | 0x20, r.u8(5) & 0xe0, "LBPU, LBPWS, LBPWS10");
        assertEquals(1, (r.u8(5) >>> 2) & 7, "LBPRZ 001b");
        assertEquals(0, r.u8(5) & 0x02, "ANC_SUP");
        assertEquals(2, r.u8(6) & 7, "provisioning type thin");
    }

    @Test
    void inquiryToAMissingLunReportsNotConnected() {
        ScsiTarget target = new ScsiTarget(h.dispatcher);
        target.addLun(0, h.lun);
        Response r = Response.of(target.execute(new ScsiTask(A, 5, Cdbs.inquiry(false, 0, 255), 255, null)).join());
        r.assertGood();
        assertEquals(0x7f, r.u8(0), "PQ 011b, device type 1Fh");
        Response read = Response.of(target.execute(new ScsiTask(A, 5, Cdbs.read10(0, 1), 512, null)).join());
        read.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LOGICAL_UNIT_NOT_SUPPORTED);
        Response sense = Response.of(target.execute(new ScsiTask(A, 5, Cdbs.requestSense(18), 18, null)).join());
        sense.assertGood();
        assertEquals(SenseKey.ILLEGAL_REQUEST.code(), sense.u8(2) & 0x0f);
        assertEquals(0x25, sense.u8(12));
    }
}
