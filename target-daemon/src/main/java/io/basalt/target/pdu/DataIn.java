package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;

/** Builds a SCSI Data-In (RFC 7143 §11.7). */
public final class DataIn {
    private DataIn() {
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends TargetPduBuilder<Builder> {
        private static final int F = 0x80;
        private static final int A = 0x40;
        private static final int O = 0x04;
        private static final int U = 0x02;
        private static final int S = 0x01;

        private Builder() {
            super(Opcode.SCSI_DATA_IN, 0);
            Bytes.put32(bhs, 20, Pdu.NO_TAG);
        }

        /** F: the last Data-In of the command (or of the sequence). */
        public Builder finalFlag(boolean last) {
            return flag(F, last);
        }

        /** A: ask for a DataACK SNACK; only used at ErrorRecoveryLevel 1 and above. */
        public Builder acknowledge(boolean ack) {
            return flag(A, ack);
        }

        /**
         * Phase-collapsed status (RFC 7143 §11.7.4): sets S and the status byte. S is only
         * allowed on the final Data-In, so this also sets F; StatSN then becomes meaningful.
         */
        public Builder status(int scsiStatus) {
            flag(S, true).flag(F, true);
            Bytes.put8(bhs, 3, scsiStatus);
            return this;
        }

        public Builder underflow(int residual) {
            flag(O, false).flag(U, true);
            Bytes.put32(bhs, 44, residual);
            return this;
        }

        public Builder overflow(int residual) {
            flag(U, false).flag(O, true);
            Bytes.put32(bhs, 44, residual);
            return this;
        }

        /** Required with the A bit, otherwise reserved (RFC 7143 §11.7.4). */
        public Builder lun(long lun) {
            return lunField(lun);
        }

        public Builder targetTransferTag(int ttt) {
            Bytes.put32(bhs, 20, ttt);
            return this;
        }

        public Builder dataSN(int dataSN) {
            Bytes.put32(bhs, 36, dataSN);
            return this;
        }

        public Builder bufferOffset(int offset) {
            Bytes.put32(bhs, 40, offset);
            return this;
        }

        /** The data; the builder, then the PDU, takes over the caller's reference. */
        public Builder data(ByteBuf data) {
            return dataField(data);
        }

        /** Residual bits are only valid together with S (RFC 7143 §11.7.5). */
        @Override
        void validate() {
            int flags = bhs[1];
            if ((flags & (O | U)) != 0 && (flags & S) == 0) {
                throw new IllegalStateException("Data-In residual without status (S bit)");
            }
        }
    }
}
