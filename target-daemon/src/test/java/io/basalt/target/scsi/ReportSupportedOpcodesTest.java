package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReportSupportedOpcodesTest extends LunTest {

    @Test
    void allCommandsListsTheWholeTable() {
        Response r = h.run(A, Cdbs.reportOpcodes(0, false, 0, 0, 65535)).assertGood();
        int n = (int) r.u32(0) / 8;
        assertEquals(h.dispatcher.table().supported().size(), n);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            int at = 4 + 8 * i;
            boolean servactv = (r.u8(at + 5) & 0x01) != 0;
            seen.add(r.u8(at) << 8 | r.u16(at + 2));
            if (!servactv) {
                assertEquals(0, r.u16(at + 2), "no service action without SERVACTV");
            }
            assertEquals(0, r.u8(at + 5) & 0x02, "no timeouts without RCTD");
        }
        for (int opcodeAndSa : new int[] {0x2800, 0x8a00, 0x9e10, 0x9e12, 0x4200, 0x8900, 0xa30c, 0x5e00, 0x5f06}) {
            assertTrue(seen.contains(opcodeAndSa), Integer.toHexString(opcodeAndSa));
        }
    }

    @Test
    void rctdAddsATimeoutsDescriptorToEveryCommand() {
        Response r = h.run(A, Cdbs.reportOpcodes(0, true, 0, 0, 65535)).assertGood();
        int n = (int) r.u32(0) / 20;
        assertEquals(h.dispatcher.table().supported().size(), n);
        for (int i = 0; i < n; i++) {
            int at = 4 + 20 * i;
            assertEquals(0x02, r.u8(at + 5) & 0x02, "CTDP");
            assertEquals(0x0a, r.u16(at + 8), "timeouts descriptor length");
        }
    }

    @Test
    void oneCommandReturnsItsCdbUsageData() {
        Response r = h.run(A, Cdbs.reportOpcodes(1, false, 0x28, 0, 512)).assertGood();
        assertEquals(0x03, r.u8(1) & 0x07, "SUPPORT: supported");
        assertEquals(10, r.u16(2));
        assertEquals(0x28, r.u8(4));
        assertEquals(0x18, r.u8(5) & 0x18, "DPO and FUA are examined (DPOFUA=1)");
        Response sa = h.run(A, Cdbs.reportOpcodes(2, false, 0x9e, 0x12, 512)).assertGood();
        assertEquals(16, sa.u16(2));
        assertEquals(0x9e, sa.u8(4));
        assertEquals(0x12, sa.u8(5), "the service action sits in the usage data");
        assertEquals(0x01, h.run(A, Cdbs.reportOpcodes(1, false, 0xc1, 0, 512)).assertGood().u8(1) & 0x07,
                "SUPPORT: not supported");
    }

    @Test
    void optionsMustMatchWhetherTheOpcodeHasServiceActions() {
        h.run(A, Cdbs.reportOpcodes(1, false, 0x9e, 0x10, 512)).assertInvalidField(2);
        h.run(A, Cdbs.reportOpcodes(2, false, 0x28, 0, 512)).assertInvalidField(2);
        h.run(A, Cdbs.reportOpcodes(5, false, 0x28, 0, 512)).assertInvalidField(2);
    }
}
