package io.basalt.target.scsi;

/**
 * Whether a command conflicts with a reservation held through another I_T nexus. SPC-2
 * reservations (RESERVE(6)/(10)) block every command but a few (SPC-2 §5.5.1); persistent
 * reservations follow SPC-5 §5.14.2 table 72 and SBC-4 §4.17 table 14, summarised by each
 * command's {@link PrAccess}:
 * <pre>
 *   type                      READ-class            WRITE-class
 *   Write Exclusive           allowed               conflict
 *   Exclusive Access          conflict              conflict
 *   WE Registrants Only/All   allowed               registered only
 *   EA Registrants Only/All   registered only       registered only
 * </pre>
 */
final class ReservationCheck {
    static final ScsiResult CONFLICT = new ScsiResult(ScsiResult.RESERVATION_CONFLICT, null, null);

    private ReservationCheck() {
    }

    static boolean conflicts(Lun lun, Nexus nexus, Command command) {
        Nexus spc2 = lun.spc2Holder();
        if (spc2 != null && !spc2.equals(nexus) && !command.spc2Allowed()) {
            return true;
        }
        PrState pr = lun.pr();
        PrState.Reservation r = pr.reservation();
        if (r == null || command.prAccess() == PrAccess.ALLOWED || pr.holds(nexus)) {
            return false;
        }
        if (r.type().registrantsHaveAccess() && pr.registered(nexus)) {
            return false;
        }
        return command.prAccess() == PrAccess.WRITE || r.type().exclusiveAccess();
    }
}
