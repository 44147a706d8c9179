package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static io.basalt.target.scsi.ScsiHarness.B;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnitAttentionTest extends LunTest {
    @Override
    List<Nexus> startClean() {
        return List.of();
    }

    @Test
    void firstCommandOfANewNexusSeesPowerOnResetOnce() {
        h.run(A, Cdbs.inquiry(false, 0, 96)).assertGood(); // INQUIRY is not blocked and does not consume it
        h.run(A, Cdbs.read10(0, 1)).assertSense(SenseKey.UNIT_ATTENTION, Asc.POWER_ON_RESET_OR_BUS_DEVICE_RESET);
        h.run(A, Cdbs.read10(0, 1)).assertGood();
        h.run(B, Cdbs.testUnitReady()).assertSense(SenseKey.UNIT_ATTENTION, Asc.POWER_ON_RESET_OR_BUS_DEVICE_RESET);
        h.run(B, Cdbs.testUnitReady()).assertGood();
    }

    @Test
    void requestSenseReturnsAndClearsThePendingAttention() {
        Response r = h.run(A, Cdbs.requestSense(252)).assertGood();
        assertEquals(18, r.data().length);
        assertEquals(0x70, r.u8(0));
        assertEquals(SenseKey.UNIT_ATTENTION.code(), r.u8(2));
        assertEquals(0x29, r.u8(12));
        Response none = h.run(A, Cdbs.requestSense(252)).assertGood();
        assertEquals(SenseKey.NO_SENSE.code(), none.u8(2));
        assertEquals(0, none.u8(12));
        h.run(A, Cdbs.testUnitReady()).assertGood();
    }

    @Test
    void capacityChangeIsAnnouncedAndReadCapacityShowsIt() {
        h.clearAttentions(A);
        long before = h.run(A, Cdbs.readCapacity16(32)).assertGood().u64(0);
        h.engine.resize(ScsiHarness.VOLUME, 32 << 20);
        h.lun.capacityChanged();
        h.run(A, Cdbs.readCapacity16(32)).assertSense(SenseKey.UNIT_ATTENTION, Asc.CAPACITY_DATA_HAS_CHANGED);
        long after = h.run(A, Cdbs.readCapacity16(32)).assertGood().u64(0);
        assertEquals(2 * (before + 1) - 1, after);
    }

    @Test
    void resetIsAnnouncedToEveryNexusTheIssuerIncluded() {
        h.clearAttentions(A);
        h.clearAttentions(B);
        h.lun.capacityChanged();
        h.lun.reset(A);
        for (Nexus n : new Nexus[] {A, B}) {
            h.run(n, Cdbs.testUnitReady()).assertSense(SenseKey.UNIT_ATTENTION, Asc.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
            h.run(n, Cdbs.testUnitReady()).assertGood(); // the reset superseded the capacity change
        }
    }

    @Test
    void lunInventoryChangesAreAnnouncedAndReportLunsClearsThem() {
        ScsiTarget target = new ScsiTarget(h.dispatcher);
        target.addLun(0, h.lun);
        h.clearAttentions(A);
        Lun second = new Lun(h.lun.device());
        target.addLun(300, second);
        Response luns = Response.of(target.execute(new ScsiTask(A, 0, Cdbs.reportLuns(1024), 1024, null)).join());
        luns.assertGood();
        assertEquals(16, luns.u32(0));
        assertEquals(0, luns.u16(8), "LUN 0, peripheral device addressing");
        assertEquals(0x4000 | 300, luns.u16(16), "LUN 300, flat space addressing");
        Response after = Response.of(target.execute(new ScsiTask(A, 0, Cdbs.testUnitReady(), 0, null)).join());
        after.assertGood(); // REPORT LUNS cleared REPORTED LUNS DATA HAS CHANGED

        h.clearAttentions(B);
        target.removeLun(300);
        Response b = Response.of(target.execute(new ScsiTask(B, 0, Cdbs.testUnitReady(), 0, null)).join());
        b.assertSense(SenseKey.UNIT_ATTENTION, Asc.REPORTED_LUNS_DATA_HAS_CHANGED);
        assertEquals(List.of(0L), List.copyOf(target.luns().keySet()));
        assertEquals(0, target.dataOutLength(300, Cdbs.write10(0, 4)), "missing LUNs need no Data-Out");
        assertEquals(4 * 512, target.dataOutLength(0, Cdbs.write10(0, 4)));
    }

    @Test
    void nexusLossForgetsAttentionsSoTheNextLoginStartsAfresh() {
        h.clearAttentions(A);
        h.lun.nexusLost(A);
        h.run(A, Cdbs.testUnitReady()).assertSense(SenseKey.UNIT_ATTENTION, Asc.POWER_ON_RESET_OR_BUS_DEVICE_RESET);
    }
}
