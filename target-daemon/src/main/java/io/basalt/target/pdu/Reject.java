package io.basalt.target.pdu;

import java.util.Optional;

/**
 * Builds a Reject (RFC 7143 §11.17). The data segment is the complete header of the rejected
 * PDU and the ITT is always 0xffffffff; the initiator finds the task from the enclosed header.
 */
public final class Reject {
    private Reject() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The Reject answering a decoder complaint; empty if the PDU cannot be rejected. */
    public static Optional<Pdu> of(InvalidPdu invalid) {
        return invalid.rejectReason().map(r -> builder().reason(r).rejectedHeader(invalid.bhs()).build());
    }

    public static final class Builder extends TargetPduBuilder<Builder> {
        private Builder() {
            super(Opcode.REJECT, 0x80);
            Bytes.put32(bhs, 16, Pdu.NO_TAG);
        }

        public Builder reason(RejectReason reason) {
            Bytes.put8(bhs, 2, reason.code());
            return this;
        }

        /** The 48-byte BHS of the rejected PDU. */
        public Builder rejectedHeader(byte[] rejectedBhs) {
            if (rejectedBhs.length != Pdu.BHS_LENGTH) {
                throw new IllegalArgumentException("rejected header must be 48 bytes");
            }
            return dataField(rejectedBhs);
        }

        /** DataSN/R2TSN, only for SNACK rejects at ErrorRecoveryLevel above 0. */
        public Builder dataSN(int dataSN) {
            Bytes.put32(bhs, 36, dataSN);
            return this;
        }

        /** ITT is fixed at 0xffffffff by RFC 7143 §11.17. */
        @Override
        public Builder itt(int itt) {
            throw new UnsupportedOperationException("a Reject's ITT is always 0xffffffff");
        }
    }
}
