package io.basalt.target.pdu;

/** Builds a SCSI Response (RFC 7143 §11.4). */
public final class ScsiResponse {
    /** Response codes (RFC 7143 §11.4.3). */
    public static final int COMMAND_COMPLETED = 0x00;
    public static final int TARGET_FAILURE = 0x01;

    private ScsiResponse() {
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends TargetPduBuilder<Builder> {
        private Builder() {
            super(Opcode.SCSI_RESPONSE, 0x80);
        }

        public Builder response(int response) {
            Bytes.put8(bhs, 2, response);
            return this;
        }

        /** The SCSI status byte (GOOD 0x00, CHECK CONDITION 0x02, ...). */
        public Builder status(int status) {
            Bytes.put8(bhs, 3, status);
            return this;
        }

        /** U bit: the command moved {@code residual} fewer bytes than expected (RFC 7143 §11.4.5). */
        public Builder underflow(int residual) {
            flag(0x04, false).flag(0x02, true);
            Bytes.put32(bhs, 44, residual);
            return this;
        }

        /** O bit: the command wanted {@code residual} more bytes than the initiator expected. */
        public Builder overflow(int residual) {
            flag(0x02, false).flag(0x04, true);
            Bytes.put32(bhs, 44, residual);
            return this;
        }

        /** u bit: the bidirectional read part moved fewer bytes than expected. */
        public Builder bidiReadUnderflow(int residual) {
            flag(0x10, false).flag(0x08, true);
            Bytes.put32(bhs, 40, residual);
            return this;
        }

        /** o bit: the bidirectional read part wanted more bytes than expected. */
        public Builder bidiReadOverflow(int residual) {
            flag(0x08, false).flag(0x10, true);
            Bytes.put32(bhs, 40, residual);
            return this;
        }

        /** The number of Data-In PDUs sent for the command (RFC 7143 §11.4.8). */
        public Builder expDataSN(int expDataSN) {
            Bytes.put32(bhs, 36, expDataSN);
            return this;
        }

        public Builder snackTag(int snackTag) {
            Bytes.put32(bhs, 20, snackTag);
            return this;
        }

        /** Sense data, sent after its two-byte SenseLength (RFC 7143 §11.4.7). */
        public Builder senseData(byte[] sense) {
            return senseField(sense, new byte[0]);
        }
    }
}
