package io.basalt.target.pdu;

/** Builds a Logout Response (RFC 7143 §11.15). */
public final class LogoutResponse {
    /** Response codes (RFC 7143 §11.15.1). */
    public static final int CLOSED = 0;
    public static final int CID_NOT_FOUND = 1;
    public static final int RECOVERY_NOT_SUPPORTED = 2;
    public static final int CLEANUP_FAILED = 3;

    private LogoutResponse() {
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends TargetPduBuilder<Builder> {
        private Builder() {
            super(Opcode.LOGOUT_RESPONSE, 0x80);
        }

        public Builder response(int response) {
            Bytes.put8(bhs, 2, response);
            return this;
        }

        /** Seconds before the initiator may reconnect (RFC 7143 §11.15.2). */
        public Builder time2Wait(int seconds) {
            Bytes.put16(bhs, 40, seconds);
            return this;
        }

        /** Seconds the target keeps task state for reassignment (RFC 7143 §11.15.3). */
        public Builder time2Retain(int seconds) {
            Bytes.put16(bhs, 42, seconds);
            return this;
        }
    }
}
