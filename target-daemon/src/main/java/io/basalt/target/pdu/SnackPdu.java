package io.basalt.target.pdu;

/**
 * Read view of a SNACK Request (RFC 7143 §11.16). At ErrorRecoveryLevel 0 only the status and
 * DataACK types can be meaningful; the session layer decides what to reject.
 */
public final class SnackPdu extends InitiatorPduView {
    private SnackPdu(Pdu pdu) {
        super(pdu);
    }

    public static SnackPdu of(Pdu pdu) {
        return new SnackPdu(pdu.expect(Opcode.SNACK));
    }

    /** 0 Data/R2T, 1 Status, 2 DataACK, 3 R-Data (RFC 7143 §11.16.1). */
    public int type() {
        return pdu.flags() & 0x0f;
    }

    public long lun() {
        return pdu.lun();
    }

    public int targetTransferTag() {
        return pdu.i32(20);
    }

    public int begRun() {
        return pdu.i32(40);
    }

    public int runLength() {
        return pdu.i32(44);
    }
}
