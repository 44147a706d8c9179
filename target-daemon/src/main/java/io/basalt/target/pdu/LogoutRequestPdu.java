package io.basalt.target.pdu;

/** Read view of a Logout Request (RFC 7143 §11.14). */
public final class LogoutRequestPdu extends CommandPduView {
    /** Reason codes (RFC 7143 §11.14.1). */
    public static final int CLOSE_SESSION = 0;
    public static final int CLOSE_CONNECTION = 1;
    public static final int REMOVE_CONNECTION_FOR_RECOVERY = 2;

    private LogoutRequestPdu(Pdu pdu) {
        super(pdu);
    }

    public static LogoutRequestPdu of(Pdu pdu) {
        return new LogoutRequestPdu(pdu.expect(Opcode.LOGOUT_REQUEST));
    }

    public int reasonCode() {
        return pdu.flags() & 0x7f;
    }

    public int cid() {
        return pdu.u16(20);
    }

}
