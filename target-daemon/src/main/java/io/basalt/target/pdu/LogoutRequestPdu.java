package io.basalt.target.pdu;

/** Read view of a Logout Request (RFC 7143 §11.14). */
public final class LogoutRequestPdu {
    /** Reason codes (RFC 7143 §11.14.1). */
    public static final int CLOSE_SESSION = 0;
    public static final int CLOSE_CONNECTION = 1;
    public static final int REMOVE_CONNECTION_FOR_RECOVERY = 2;

    private final Pdu pdu;

    private LogoutRequestPdu(Pdu pdu) {
        this.pdu = pdu;
    }

    public static LogoutRequestPdu of(Pdu pdu) {
        return new LogoutRequestPdu(pdu.expect(Opcode.LOGOUT_REQUEST));
    }

    public Pdu pdu() {
        return pdu;
    }

    public boolean immediate() {
        return pdu.immediate();
    }

    public int reasonCode() {
        return pdu.flags() & 0x7f;
    }

    public int itt() {
        return pdu.itt();
    }

    public int cid() {
        return pdu.u16(20);
    }

    public int cmdSN() {
        return pdu.i32(24);
    }

    public int expStatSN() {
        return pdu.i32(28);
    }
}
