package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;

/**
 * Builds a NOP-In (RFC 7143 §11.19). ITT and TTT default to 0xffffffff: set the ITT to answer
 * a NOP-Out, or a TTT to ping the initiator and ask for a NOP-Out back.
 */
public final class NopIn {
    private NopIn() {
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends TargetPduBuilder<Builder> {
        private Builder() {
            super(Opcode.NOP_IN, 0x80);
            Bytes.put32(bhs, 16, Pdu.NO_TAG);
            Bytes.put32(bhs, 20, Pdu.NO_TAG);
        }

        public Builder lun(long lun) {
            return lunField(lun);
        }

        public Builder targetTransferTag(int ttt) {
            Bytes.put32(bhs, 20, ttt);
            return this;
        }

        /** Echoed ping data; the builder, then the PDU, takes over the caller's reference. */
        public Builder pingData(ByteBuf data) {
            return dataField(data);
        }
    }
}
