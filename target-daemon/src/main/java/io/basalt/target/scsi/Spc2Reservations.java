package io.basalt.target.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * RESERVE (6)/(10) and RELEASE (6)/(10) (SPC-2 §7.21-7.24): a whole-LU reservation for one I_T
 * nexus. Third-party and extent reservations are not supported. With CRH=0 (REPORT
 * CAPABILITIES) both commands conflict while any persistent registration exists (SPC-5
 * §5.14.3). RELEASE from a nexus that holds nothing is a GOOD no-op.
 */
final class Spc2Reservations {
    private Spc2Reservations() {
    }

    static CompletableFuture<ScsiResult> reserve(ScsiRequest r) {
        if ((r.cdb()[1] & 0x13) != 0) {
            return Command.now(Sense.invalidFieldInCdb(1, 4));
        }
        if (persistentActive(r.lun()) || !r.lun().reserveSpc2(r.nexus())) {
            return Command.now(ReservationCheck.CONFLICT);
        }
        return Command.now(ScsiResult.good());
    }

    static CompletableFuture<ScsiResult> release(ScsiRequest r) {
        if ((r.cdb()[1] & 0x13) != 0) {
            return Command.now(Sense.invalidFieldInCdb(1, 4));
        }
        if (persistentActive(r.lun())) {
            return Command.now(ReservationCheck.CONFLICT);
        }
        r.lun().releaseSpc2(r.nexus());
        return Command.now(ScsiResult.good());
    }

    private static boolean persistentActive(Lun lun) {
        PrState pr = lun.pr();
        return !pr.registrations().isEmpty() || pr.reservation() != null;
    }
}
