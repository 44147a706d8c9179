package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static io.basalt.target.scsi.ScsiHarness.B;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RESERVE(6)/RELEASE(6) and (10) across two initiators. */
class Spc2ReservationTest extends LunTest {
    @Override
    List<Nexus> startClean() {
        return List.of(A, B);
    }

    @Test
    void anotherNexusConflictsUntilRelease() {
        h.run(A, Cdbs.reserve6()).assertGood();
        h.run(A, Cdbs.reserve6()).assertGood(); // re-reserving is fine
        h.run(B, Cdbs.reserve6()).assertConflict();
        h.run(B, Cdbs.testUnitReady()).assertConflict();
        h.run(B, Cdbs.read10(0, 1)).assertConflict();
        h.run(B, Cdbs.modeSense6(0, 0x3f, 255, false)).assertConflict();
        h.run(B, Cdbs.inquiry(false, 0, 96)).assertGood();
        h.run(B, Cdbs.requestSense(18)).assertGood();
        h.run(B, Cdbs.release6()).assertGood(); // a no-op for a non-holder
        h.run(A, Cdbs.modeSense6(0, 0x3f, 255, false)).assertGood();
        h.run(A, Cdbs.write10(0, 1), new byte[512]).assertGood();
        h.run(A, Cdbs.release6()).assertGood();
        h.run(B, Cdbs.reserve6()).assertGood();
        h.run(A, Cdbs.read10(0, 1)).assertConflict();
        h.run(B, Cdbs.cdb(0x57, 0, 0, 0, 0, 0, 0, 0, 0, 0)).assertGood(); // RELEASE(10)
        h.run(A, Cdbs.read10(0, 1)).assertGood();
    }

    @Test
    void lunResetAndNexusLossRelease() {
        h.run(A, Cdbs.reserve6()).assertGood();
        h.lun.reset(A);
        h.clearAttentions(A);
        h.clearAttentions(B);
        h.run(B, Cdbs.reserve6()).assertGood();
        h.lun.nexusLost(B);
        h.run(A, Cdbs.reserve6()).assertGood();
    }

    @Test
    void persistentRegistrationsMakeReserveConflict() {
        h.run(A, Cdbs.prOut(0, 0), Cdbs.prOutParameters(0, 0x1234, false)).assertGood();
        h.run(B, Cdbs.reserve6()).assertConflict();
        h.run(A, Cdbs.reserve6()).assertConflict();
        h.run(A, Cdbs.release6()).assertConflict();
    }

    @Test
    void thirdPartyAndExtentReservationsAreRefused() {
        h.run(A, Cdbs.cdb(0x16, 0x10, 0, 0, 0, 0)).assertInvalidField(1);
        h.run(A, Cdbs.cdb(0x16, 0x01, 0, 0, 0, 0)).assertInvalidField(1);
    }
}
