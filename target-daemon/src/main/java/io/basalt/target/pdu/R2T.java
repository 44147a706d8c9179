package io.basalt.target.pdu;

/** Builds a Ready To Transfer (RFC 7143 §11.8). */
public final class R2T {
    private R2T() {
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends TargetPduBuilder<Builder> {
        private Builder() {
            super(Opcode.R2T, 0x80);
        }

        public Builder lun(long lun) {
            return lunField(lun);
        }

        /** The tag the initiator echoes in the Data-Out PDUs that answer this R2T. */
        public Builder targetTransferTag(int ttt) {
            Bytes.put32(bhs, 20, ttt);
            return this;
        }

        /** Per-command R2T number, from 0 (RFC 7143 §11.8.2). */
        public Builder r2tSN(int r2tSN) {
            Bytes.put32(bhs, 36, r2tSN);
            return this;
        }

        public Builder bufferOffset(int offset) {
            Bytes.put32(bhs, 40, offset);
            return this;
        }

        /** At most MaxBurstLength (RFC 7143 §11.8.4). */
        public Builder desiredDataTransferLength(int length) {
            Bytes.put32(bhs, 44, length);
            return this;
        }
    }
}
