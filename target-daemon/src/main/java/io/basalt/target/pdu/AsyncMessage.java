package io.basalt.target.pdu;

/** Builds an Asynchronous Message (RFC 7143 §11.9); its ITT is always 0xffffffff. */
public final class AsyncMessage {
    /** AsyncEvent codes (RFC 7143 §11.9.1). */
    public static final int SCSI_ASYNC_EVENT = 0;
    public static final int LOGOUT_REQUESTED = 1;
    public static final int CONNECTION_DROP = 2;
    public static final int SESSION_DROP = 3;
    public static final int RENEGOTIATE = 4;
    public static final int VENDOR_SPECIFIC = 255;

    private AsyncMessage() {
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends TargetPduBuilder<Builder> {
        private Builder() {
            super(Opcode.ASYNC_MESSAGE, 0x80);
            Bytes.put32(bhs, 16, Pdu.NO_TAG);
        }

        public Builder lun(long lun) {
            return lunField(lun);
        }

        public Builder asyncEvent(int event) {
            Bytes.put8(bhs, 36, event);
            return this;
        }

        public Builder asyncVCode(int vcode) {
            Bytes.put8(bhs, 37, vcode);
            return this;
        }

        /** Parameter1-3, whose meaning depends on the event (RFC 7143 §11.9.1). */
        public Builder parameters(int p1, int p2, int p3) {
            Bytes.put16(bhs, 38, p1);
            Bytes.put16(bhs, 40, p2);
            Bytes.put16(bhs, 42, p3);
            return this;
        }

        /** SenseLength, sense data (for SCSI events) and iSCSI event data (RFC 7143 §11.9.4). */
        public Builder data(byte[] sense, byte[] eventData) {
            return senseField(sense, eventData);
        }

        @Override
        public Builder itt(int itt) {
            throw new UnsupportedOperationException("an Async Message's ITT is always 0xffffffff");
        }
    }
}
